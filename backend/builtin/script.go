package builtin

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
)

// Script gives fixed answers to chosen prompts, for tests of apps that
// need a particular reply. A script file is JSON:
//
//	{
//	  "answers": [
//	    {"prompt": "(?i)capital of france", "text": "The capital of France is Paris."},
//	    {"model": "^anthropic\\.", "prompt": "(?i)weather",
//	     "text": "Let me check.", "tool": {"name": "get_weather", "input": {"city": "Paris"}}},
//	    {"prompt": "", "text": "I answer every other prompt like this."}
//	  ]
//	}
//
// "model" and "prompt" are regular expressions (RE2), matched as in rule
// files: an empty one matches anything, "model" is tried against the
// identifier as given and the foundation model ID behind it, "prompt"
// against the last user message's text. The first answer that matches
// wins. An answer has "text", a "tool" call (name and a JSON object
// input), or both: the text comes first, then the tool call, and the
// message stops with tool_use. Scripted text is streamed word by word and
// honours max_tokens and stop sequences like composed text.
type Script struct {
	answers []scripted
}

type scripted struct {
	model, prompt *regexp.Regexp
	text          string
	tool          *scriptedTool
}

type scriptedTool struct {
	Name  string          `json:"name"`
	Input json.RawMessage `json:"input"`
}

type scriptFile struct {
	Answers []struct {
		Model  string        `json:"model"`
		Prompt string        `json:"prompt"`
		Text   string        `json:"text"`
		Tool   *scriptedTool `json:"tool"`
	} `json:"answers"`
}

// LoadScript reads a script file.
func LoadScript(path string) (*Script, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ParseScript(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// ParseScript parses a script file's contents.
func ParseScript(data []byte) (*Script, error) {
	var f scriptFile
	if err := strictUnmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("builtin: script: %w", err)
	}
	var s Script
	for i, a := range f.Answers {
		var sc scripted
		var err error
		if sc.model, err = compile(a.Model); err != nil {
			return nil, fmt.Errorf("builtin: answer %d: model: %w", i, err)
		}
		if sc.prompt, err = compile(a.Prompt); err != nil {
			return nil, fmt.Errorf("builtin: answer %d: prompt: %w", i, err)
		}
		if a.Text == "" && a.Tool == nil {
			return nil, fmt.Errorf("builtin: answer %d has neither text nor tool", i)
		}
		if a.Tool != nil {
			if a.Tool.Name == "" {
				return nil, fmt.Errorf("builtin: answer %d: tool has no name", i)
			}
			var obj map[string]any
			if len(a.Tool.Input) == 0 {
				a.Tool.Input = json.RawMessage("{}")
			} else if err := json.Unmarshal(a.Tool.Input, &obj); err != nil || obj == nil {
				return nil, fmt.Errorf("builtin: answer %d: tool input must be a JSON object", i)
			}
			compact, err := json.Marshal(obj)
			if err != nil {
				return nil, fmt.Errorf("builtin: answer %d: tool input: %w", i, err)
			}
			if obj == nil {
				compact = []byte("{}")
			}
			a.Tool.Input = compact
		}
		sc.text, sc.tool = a.Text, a.Tool
		s.answers = append(s.answers, sc)
	}
	return &s, nil
}

// match returns the first answer for a request, or nil.
func (s *Script) match(given, modelID, prompt string) *scripted {
	if s == nil {
		return nil
	}
	for i := range s.answers {
		a := &s.answers[i]
		if matches(a.model, given, modelID) && matches(a.prompt, prompt) {
			return a
		}
	}
	return nil
}
