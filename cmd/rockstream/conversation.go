package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rockstream/rockstream"
)

// conversation is a chat as saved in the user's state directory: readable
// JSON, one file per conversation, rewritten after every answer.
type conversation struct {
	Model    string         `json:"model"`
	System   string         `json:"system,omitempty"`
	Created  time.Time      `json:"created"`
	Updated  time.Time      `json:"updated"`
	Messages []savedMessage `json:"messages"`
	path     string         // where it is saved
	history  []rockstream.Message
}

// savedMessage is one turn, text only.
type savedMessage struct {
	Role string `json:"role"`
	Text string `json:"text"`
}

// stateDir is rockstream's directory for history and conversations:
// $XDG_STATE_HOME/rockstream, else ~/.local/state/rockstream.
func stateDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "rockstream"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("neither XDG_STATE_HOME nor HOME is set: nowhere to keep chat history")
	}
	return filepath.Join(home, ".local", "state", "rockstream"), nil
}

// conversationsDir holds the saved conversations.
func conversationsDir(state string) string { return filepath.Join(state, "conversations") }

// newConversation starts a conversation saved under state.
func newConversation(state, model, system string, now time.Time) *conversation {
	name := now.UTC().Format("20060102-150405.000000000") + ".json"
	return &conversation{Model: model, System: system, Created: now, Updated: now,
		path: filepath.Join(conversationsDir(state), name)}
}

// latestConversation loads the most recently saved conversation.
func latestConversation(state string) (*conversation, error) {
	dir := conversationsDir(state)
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no saved conversation in %s to continue", dir)
	}
	slices.Sort(names)
	return loadConversation(filepath.Join(dir, names[len(names)-1]))
}

// loadConversation reads a saved conversation file.
func loadConversation(path string) (*conversation, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c conversation
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: not a saved conversation: %w", path, err)
	}
	c.path = path
	for i, m := range c.Messages {
		role := rockstream.Role(m.Role)
		if role != rockstream.RoleUser && role != rockstream.RoleAssistant {
			return nil, fmt.Errorf("%s: message %d has role %q, not user or assistant", path, i+1, m.Role)
		}
		c.history = append(c.history, rockstream.Message{Role: role,
			Content: []rockstream.Block{{Type: rockstream.BlockText, Text: m.Text}}})
	}
	return &c, nil
}

// set replaces the conversation's messages with history.
func (c *conversation) set(history []rockstream.Message, now time.Time) {
	c.history = history
	c.Updated = now
	c.Messages = c.Messages[:0]
	for _, m := range history {
		var text strings.Builder
		for _, b := range m.Content {
			if b.Type == rockstream.BlockText {
				text.WriteString(b.Text)
			}
		}
		c.Messages = append(c.Messages, savedMessage{Role: string(m.Role), Text: text.String()})
	}
}

// save writes the conversation to path (its own file when empty),
// atomically, creating the directory.
func (c *conversation) save(path string) (string, error) {
	if path == "" {
		path = c.path
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	if c.Messages == nil {
		c.Messages = []savedMessage{}
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return "", err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}
