package main

import (
	"fmt"
	"runtime/debug"
)

// versionLine is what --version prints: the module version and, when the
// binary was built from a checkout, the commit it was built from.
func versionLine() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "rockstream (unknown version)\n"
	}
	return formatVersion(info)
}

func formatVersion(info *debug.BuildInfo) string {
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var commit, modified, when string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.modified":
			modified = s.Value
		case "vcs.time":
			when = s.Value
		}
	}
	line := "rockstream " + version
	if commit != "" {
		if len(commit) > 12 {
			commit = commit[:12]
		}
		line += " commit " + commit
		if modified == "true" {
			line += " (modified)"
		}
		if when != "" {
			line += " " + when
		}
	}
	return fmt.Sprintf("%s %s\n", line, info.GoVersion)
}
