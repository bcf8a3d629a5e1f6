package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Error is a mistake in a configuration file, at a line and column (both
// from 1; zero when the file as a whole is wrong).
type Error struct {
	File         string
	Line, Column int
	// Field is the setting's path, e.g. "backends.routes", when known.
	Field string
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Read reads and checks the configuration file at path.
func Read(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Parse reads and checks a configuration file's content; name is its path,
// for messages and for the side files it names.
func Parse(name string, data []byte) (*File, error) {
	doc, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(name, nil, err)
	}
	f := &File{dir: filepath.Dir(name)}
	if len(doc.Docs) > 1 {
		return nil, &Error{File: name, Line: 1, Column: 1, Msg: "holds more than one YAML document"}
	}
	if len(doc.Docs) == 1 && doc.Docs[0].Body != nil {
		if _, ok := doc.Docs[0].Body.(*ast.MappingNode); !ok {
			tok := doc.Docs[0].Body.GetToken()
			return nil, &Error{File: name, Line: tok.Position.Line, Column: tok.Position.Column, Msg: "must be a mapping of sections (server, auth, gateway, backends, limits, redis, quotas, tracing)"}
		}
		if err := yaml.NodeToValue(doc.Docs[0].Body, f, yaml.Strict()); err != nil {
			return nil, yamlError(name, doc, err)
		}
	}
	c := checker{name: name, doc: doc}
	f.check(&c)
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	return f, nil
}

// yamlError turns the YAML library's error into an Error with its place.
func yamlError(name string, doc *ast.File, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		e := &Error{File: name, Msg: ye.GetMessage()}
		if tok := ye.GetToken(); tok != nil && tok.Position != nil {
			e.Line, e.Column = tok.Position.Line, tok.Position.Column
		}
		return e
	}
	e := &Error{File: name, Msg: err.Error()}
	if q, ok := strings.CutPrefix(err.Error(), "time: invalid duration "); ok && doc != nil {
		if v, uerr := strconv.Unquote(q); uerr == nil {
			if tok := locate(doc, v); tok != nil && tok.Position != nil {
				e.Line, e.Column = tok.Position.Line, tok.Position.Column
			}
		}
	}
	return e
}

// checker gathers the mistakes of one file, each placed at its setting.
type checker struct {
	name string
	doc  *ast.File
	errs []error
}

// fail records a mistake in the setting at path ("backends.routes").
func (c *checker) fail(path, format string, args ...any) {
	c.failAs(path, path, format, args...)
}

// failAs is fail naming the setting as shown, not by its path (which may
// hold a secret).
func (c *checker) failAs(path, shown, format string, args ...any) {
	e := &Error{File: c.name, Field: shown, Msg: fmt.Sprintf(format, args...)}
	if tok := c.place(path); tok != nil && tok.Position != nil {
		e.Line, e.Column = tok.Position.Line, tok.Position.Column
	}
	c.errs = append(c.errs, e)
}

// place is the token a mistake in the setting at path points at: a
// scalar's value, or the key of a mapping or a list.
func (c *checker) place(path string) *token.Token {
	parent, key := "", path
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		parent, key = path[:i], path[i+1:]
	}
	if strings.ContainsAny(key, "[]") {
		return c.filter(path)
	}
	var m ast.Node
	if parent == "" {
		if len(c.doc.Docs) == 0 {
			return nil
		}
		m = c.doc.Docs[0].Body
	} else if n := c.filter(parent); n != nil {
		m = c.node(parent)
	}
	mapping, ok := m.(*ast.MappingNode)
	if !ok {
		return nil
	}
	for _, v := range mapping.Values {
		if v.Key.GetToken().Value != key {
			continue
		}
		switch v.Value.(type) {
		case *ast.MappingNode, *ast.SequenceNode:
			return v.Key.GetToken()
		}
		return v.Value.GetToken()
	}
	return nil
}

func (c *checker) node(path string) ast.Node {
	p, err := yaml.PathString("$." + path)
	if err != nil {
		return nil
	}
	n, err := p.FilterFile(c.doc)
	if err != nil {
		return nil
	}
	return n
}

func (c *checker) filter(path string) *token.Token {
	if n := c.node(path); n != nil {
		return n.GetToken()
	}
	return nil
}

// locate finds the first scalar whose value is v, for the decoder's errors
// that carry no place (a malformed duration).
func locate(doc *ast.File, v string) *token.Token {
	var found *token.Token
	for _, d := range doc.Docs {
		ast.Walk(visitor(func(n ast.Node) bool {
			if found != nil {
				return false
			}
			if _, ok := n.(ast.ScalarNode); ok && n.GetToken() != nil && n.GetToken().Value == v {
				found = n.GetToken()
				return false
			}
			return true
		}), d)
	}
	return found
}

type visitor func(ast.Node) bool

func (f visitor) Visit(n ast.Node) ast.Visitor {
	if n == nil || !f(n) {
		return nil
	}
	return f
}

// Section is a side file's content: given inline, or read from the path
// given. Path is "" for inline content.
type Section struct {
	Path string
	JSON []byte
}

// section resolves a side-file setting: nil when absent.
func (f *File) section(v any) (*Section, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		if v == "" {
			return nil, nil
		}
		p := v
		if !filepath.IsAbs(p) {
			p = filepath.Join(f.dir, p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		return &Section{Path: p, JSON: data}, nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &Section{JSON: data}, nil
}
