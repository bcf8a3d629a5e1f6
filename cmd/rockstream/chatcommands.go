package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
)

const chatCommandHelp = `Commands:
  /help            this list
  /clear           forget the conversation and start a new one
  /save [file]     save the conversation as JSON (default: its file in the state directory)
  /model [id]      show the model, or switch to another
  /system [text]   show the system prompt, or set it; /system - removes it
  /exit, /quit     leave (so does Ctrl-D)
End a line with \ to continue the message on the next line; a pasted block is one message.
`

// command runs a /command typed at the prompt; it reports whether the
// chat should end. Commands never reach the model.
func (s *chatSession) command(line string) (leave bool) {
	name, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
	arg = strings.TrimSpace(arg)
	out := s.c.stderr
	switch name {
	case "/exit", "/quit":
		return true
	case "/help", "/?":
		io.WriteString(out, chatCommandHelp)
	case "/clear":
		s.conv = newConversation(s.state, s.rf.model, s.rf.system, time.Now())
		io.WriteString(out, "rockstream: conversation cleared; the next message starts a new one.\n")
	case "/save":
		path := arg
		if path != "" {
			path = filepath.Clean(path)
		}
		s.conv.Model, s.conv.System = s.rf.model, s.rf.system
		saved, err := s.conv.save(path)
		if err != nil {
			fmt.Fprintf(out, "rockstream: could not save: %v\n", err)
			return false
		}
		fmt.Fprintf(out, "rockstream: saved %d messages to %s\n", len(s.conv.Messages), saved)
	case "/model":
		if arg == "" {
			fmt.Fprintf(out, "rockstream: the model is %s\n", s.rf.model)
			return false
		}
		previous := *s.rf
		s.rf.model = arg
		if !isSet(s.fs, "max-tokens") {
			s.rf.maxTokens = defaultMaxTokens // fitted to the new model below
		}
		if err := s.rf.fit(s.fs); err != nil {
			*s.rf = previous
			fmt.Fprintf(out, "rockstream: %v\n", err)
			return false
		}
		fmt.Fprintf(out, "rockstream: now chatting with %s\n", s.rf.model)
	case "/system":
		switch arg {
		case "":
			if s.rf.system == "" {
				io.WriteString(out, "rockstream: no system prompt\n")
			} else {
				fmt.Fprintf(out, "rockstream: the system prompt is %q\n", s.rf.system)
			}
		case "-":
			s.rf.system = ""
			io.WriteString(out, "rockstream: system prompt removed\n")
		default:
			s.rf.system = arg
			io.WriteString(out, "rockstream: system prompt set\n")
		}
	default:
		fmt.Fprintf(out, "rockstream: unknown command %s; /help lists them (start a message with // to send a slash)\n", name)
	}
	return false
}
