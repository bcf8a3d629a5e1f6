package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/rockstream/rockstream/config"
)

const configUsage = `rockstream config check FILE`

const configAbout = `Checks serve's YAML configuration file without starting anything: unknown
settings, values of the wrong type or out of range, side files (routes,
rules, script, api_routes, model_map) inline or by path, the Redis URL and
the quotas. Each mistake is printed as FILE:LINE:COLUMN: setting: what is
wrong. examples/rockstream.yaml shows every section.`

const configExits = `  0    the file is valid
  1    the file has mistakes (each printed on stderr) or cannot be read
  2    bad flags or arguments
`

// runConfig serves "rockstream config check FILE".
func runConfig(_ context.Context, c *cli, args []string) int {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	positional, code, done := c.parseFlags(fs, args, func() string { return commandHelp(fs, configUsage, configAbout, configExits) })
	if done {
		return code
	}
	if len(positional) != 2 || positional[0] != "check" {
		return c.usage("config", usageErrorf("usage: %s", configUsage))
	}
	if _, err := config.Read(positional[1]); err != nil {
		fmt.Fprintln(c.stderr, err)
		return exitFailed
	}
	fmt.Fprintf(c.stdout, "%s: valid\n", positional[1])
	return exitOK
}
