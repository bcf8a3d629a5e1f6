// Package auth checks the credentials on requests to the local Bedrock
// Runtime as Bedrock does: SigV4 signatures (service "bedrock") and Bedrock
// API keys (Authorization: Bearer). In mode any every well-formed
// credential passes; in mode strict only configured keys do, with the
// signature, signed headers, payload hash and clock verified.
package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Mode is how strictly requests are authenticated.
type Mode string

const (
	// ModeAny accepts any well-formed SigV4 signature or bearer token.
	ModeAny Mode = "any"
	// ModeStrict accepts only configured access keys and API keys.
	ModeStrict Mode = "strict"
)

// Defaults for the bytes and time strict mode spends on a body it has not
// yet authenticated: enough for a long text conversation from a client
// on a slow link, small enough that idle clients cannot hold much memory.
const (
	DefaultMaxUnverifiedBodyBytes = 4 << 20
	DefaultUnverifiedBodyTimeout  = 10 * time.Second
)

// ParseMode reads a mode name; the empty string is ModeAny.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case "", ModeAny:
		return ModeAny, nil
	case ModeStrict:
		return ModeStrict, nil
	}
	return "", fmt.Errorf("auth: unknown mode %q (want any or strict)", s)
}

// AccessKey is an AWS access key pair the server accepts in strict mode.
type AccessKey struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
}

// Config says how to authenticate requests.
type Config struct {
	// Mode is ModeAny when empty.
	Mode Mode
	// AccessKeys are the SigV4 keys strict mode accepts.
	AccessKeys []AccessKey
	// APIKeys are the Bedrock API keys (bearer tokens) strict mode accepts.
	APIKeys []string
	// MaxUnverifiedBodyBytes bounds the body strict mode reads before the
	// signature is checked, which it must do to hash a body whose hash is
	// not sent in X-Amz-Content-Sha256 (the Go SDK and boto3 send none);
	// zero means DefaultMaxUnverifiedBodyBytes. A body with the header is
	// never read before the signature is checked, so this does not bound it.
	MaxUnverifiedBodyBytes int64
	// UnverifiedBodyTimeout bounds the time spent reading such a body;
	// zero means DefaultUnverifiedBodyTimeout.
	UnverifiedBodyTimeout time.Duration
	// Now is the clock for the signature window; nil means time.Now.
	Now func() time.Time
}

// ParseAccessKey reads an access key from a flag value
// "ACCESS_KEY_ID:SECRET_ACCESS_KEY".
func ParseAccessKey(s string) (AccessKey, error) {
	id, secret, ok := strings.Cut(s, ":")
	if !ok || id == "" || secret == "" {
		return AccessKey{}, errors.New("auth: access key must be ACCESS_KEY_ID:SECRET_ACCESS_KEY")
	}
	return AccessKey{AccessKeyID: id, SecretAccessKey: secret}, nil
}

// keyFile is the JSON file strict mode can load its keys from.
type keyFile struct {
	AccessKeys []AccessKey `json:"accessKeys"`
	APIKeys    []string    `json:"apiKeys"`
}

// LoadFile adds the keys in a JSON file to c:
//
//	{"accessKeys":[{"accessKeyId":"…","secretAccessKey":"…"}],"apiKeys":["…"]}
func (c *Config) LoadFile(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("auth: reading keys: %w", err)
	}
	var f keyFile
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("auth: keys file %s: %w", path, err)
	}
	for _, k := range f.AccessKeys {
		if k.AccessKeyID == "" || k.SecretAccessKey == "" {
			return fmt.Errorf("auth: keys file %s: an access key lacks its ID or secret", path)
		}
	}
	c.AccessKeys = append(c.AccessKeys, f.AccessKeys...)
	c.APIKeys = append(c.APIKeys, f.APIKeys...)
	return nil
}
