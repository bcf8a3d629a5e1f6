package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

const completionHelp = `Usage:
  rockstream completion bash|zsh|fish

Prints a shell completion script for commands and flags. Load it with:
  bash  source <(rockstream completion bash)          (e.g. in ~/.bashrc)
  zsh   source <(rockstream completion zsh)           (after compinit, e.g. in ~/.zshrc)
  fish  rockstream completion fish > ~/.config/fish/completions/rockstream.fish

Exit codes:
  0    the script was printed
  2    bad flags or arguments: no shell, or one other than bash, zsh or fish
`

// runCompletion prints the completion script for one shell.
func runCompletion(ctx context.Context, c *cli, args []string) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		io.WriteString(c.stdout, completionHelp)
		return exitOK
	}
	if len(args) != 1 {
		return c.usage("completion", usageErrorf("completion takes one shell: bash, zsh or fish"))
	}
	specs := completionSpecs(ctx)
	var script string
	switch args[0] {
	case "bash":
		script = bashCompletion(specs)
	case "zsh":
		script = zshCompletion(specs)
	case "fish":
		script = fishCompletion(specs)
	default:
		return c.usage("completion", usageErrorf("completion supports bash, zsh and fish, not %q", args[0]))
	}
	io.WriteString(c.stdout, script)
	return exitOK
}

// flagSpec is one flag as completion offers it.
type flagSpec struct{ name, about string }

// commandSpec is one subcommand and its flags.
type commandSpec struct {
	name, summary string
	flags         []flagSpec
}

// completionSpecs reads every command's flags from its own -h output, so
// the scripts never drift from the flags the commands accept.
func completionSpecs(ctx context.Context) []commandSpec {
	var specs []commandSpec
	for _, cmd := range commands() {
		if cmd.name == "completion" {
			specs = append(specs, commandSpec{name: cmd.name, summary: cmd.summary})
			continue
		}
		var help strings.Builder
		quiet := &cli{stdin: strings.NewReader(""), stdout: &help, stderr: io.Discard, getenv: func(string) string { return "" }}
		cmd.run(ctx, quiet, []string{"-h"})
		specs = append(specs, commandSpec{name: cmd.name, summary: cmd.summary, flags: parseHelpFlags(help.String())})
	}
	return specs
}

// parseHelpFlags picks "  --name [arg]" lines and the description under
// each from help output written by commandHelp.
func parseHelpFlags(help string) []flagSpec {
	var flags []flagSpec
	lines := strings.Split(help, "\n")
	for i, line := range lines {
		rest, ok := strings.CutPrefix(line, "  --")
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(rest, " ")
		var about string
		if i+1 < len(lines) {
			about = strings.TrimSpace(lines[i+1])
			if j := strings.Index(about, " (default"); j > 0 {
				about = about[:j]
			}
			if j := strings.Index(about, " [$"); j > 0 {
				about = about[:j]
			}
		}
		flags = append(flags, flagSpec{name: name, about: about})
	}
	return flags
}

func flagWords(f []flagSpec) string {
	words := make([]string, len(f))
	for i, fl := range f {
		words[i] = "--" + fl.name
	}
	return strings.Join(words, " ")
}

func commandWords(specs []commandSpec) string {
	words := []string{"help"}
	for _, s := range specs {
		words = append(words, s.name)
	}
	return strings.Join(words, " ")
}

func bashCompletion(specs []commandSpec) string {
	var b strings.Builder
	b.WriteString("# bash completion for rockstream\n_rockstream() {\n")
	b.WriteString("  local cur=${COMP_WORDS[COMP_CWORD]} cmd=stream flags i\n")
	fmt.Fprintf(&b, "  for ((i = 1; i < COMP_CWORD; i++)); do\n    case ${COMP_WORDS[i]} in\n      %s) cmd=${COMP_WORDS[i]}; break ;;\n    esac\n  done\n",
		strings.ReplaceAll(commandWords(specs), " ", "|"))
	b.WriteString("  case $cmd in\n")
	for _, s := range specs {
		fmt.Fprintf(&b, "    %s) flags=%q ;;\n", s.name, flagWords(s.flags))
	}
	b.WriteString("  esac\n")
	b.WriteString("  if [[ $cmd == completion ]]; then\n    COMPREPLY=($(compgen -W \"bash zsh fish\" -- \"$cur\"))\n")
	b.WriteString("  elif [[ $cur == -* ]]; then\n    COMPREPLY=($(compgen -W \"$flags --help\" -- \"$cur\"))\n")
	fmt.Fprintf(&b, "  elif ((COMP_CWORD == 1)); then\n    COMPREPLY=($(compgen -W %q -- \"$cur\"))\n  fi\n}\n", commandWords(specs)+" --version")
	b.WriteString("complete -o default -F _rockstream rockstream\n")
	return b.String()
}

// zshQuote quotes s for a single-quoted zsh word.
func zshQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func zshCompletion(specs []commandSpec) string {
	var b strings.Builder
	b.WriteString("#compdef rockstream\n# zsh completion for rockstream\n_rockstream() {\n  local -a commands\n  commands=(\n")
	for _, s := range specs {
		fmt.Fprintf(&b, "    %s\n", zshQuote(s.name+":"+strings.ReplaceAll(s.summary, ":", `\:`)))
	}
	b.WriteString("  )\n  local cmd=stream w\n  for w in ${words[2,CURRENT-1]}; do\n    case $w in\n")
	fmt.Fprintf(&b, "      (%s) cmd=$w; break ;;\n    esac\n  done\n", strings.ReplaceAll(commandWords(specs), " ", "|"))
	b.WriteString("  if [[ $cmd == completion ]]; then\n    compadd bash zsh fish\n  elif [[ $PREFIX == -* ]]; then\n    case $cmd in\n")
	for _, s := range specs {
		fmt.Fprintf(&b, "      (%s) compadd -- %s --help ;;\n", s.name, flagWords(s.flags))
	}
	b.WriteString("    esac\n  elif (( CURRENT == 2 )); then\n    _describe command commands\n  else\n    _files\n  fi\n}\n")
	b.WriteString("if [[ $funcstack[1] == _rockstream ]]; then\n  _rockstream \"$@\"\nelse\n  compdef _rockstream rockstream\nfi\n")
	return b.String()
}

// fishQuote quotes s for a single-quoted fish word.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

func fishCompletion(specs []commandSpec) string {
	var b strings.Builder
	b.WriteString("# fish completion for rockstream\ncomplete -c rockstream -f\n")
	names := strings.Fields(commandWords(specs))
	seen := "__fish_seen_subcommand_from " + strings.Join(names, " ")
	for _, s := range specs {
		fmt.Fprintf(&b, "complete -c rockstream -n %s -a %s -d %s\n", fishQuote("not "+seen), s.name, fishQuote(s.summary))
	}
	fmt.Fprintf(&b, "complete -c rockstream -n %s -a 'bash zsh fish'\n", fishQuote("__fish_seen_subcommand_from completion"))
	for _, s := range specs {
		cond := "__fish_seen_subcommand_from " + s.name
		if s.name == "stream" {
			cond = "not " + seen
		}
		for _, f := range s.flags {
			fmt.Fprintf(&b, "complete -c rockstream -n %s -l %s -d %s\n", fishQuote(cond), f.name, fishQuote(f.about))
		}
	}
	b.WriteString("complete -c rockstream -l version -d 'print the version and commit'\n")
	return b.String()
}
