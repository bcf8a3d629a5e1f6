package main

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/rockstream/rockstream/server/auth"
)

func TestTestHeaderKeysFlag(t *testing.T) {
	t.Parallel()
	keysFile := auth.Config{AccessKeys: []auth.AccessKey{{AccessKeyID: "AKIDTESTER", SecretAccessKey: "s"}}, APIKeys: []string{"file-api-key"}}
	strict := keysFile
	strict.Mode = auth.ModeStrict
	gateway := []string{"file-api-key", "flag-api-key"}
	tests := []struct {
		name    string
		values  []string
		cfg     auth.Config
		want    []string
		wantErr string
	}{
		{"none", nil, strict, nil, ""},
		{"access key in strict mode", []string{"AKIDTESTER"}, strict, []string{"AKIDTESTER"}, ""},
		{"comma-separated and repeated", []string{"AKIDTESTER, flag-api-key", "file-api-key"}, strict,
			[]string{"AKIDTESTER", "flag-api-key", "file-api-key"}, ""},
		{"gateway key in mode any", []string{"flag-api-key"}, keysFile, []string{"flag-api-key"}, ""},
		{"access key in mode any", []string{"AKIDTESTER"}, keysFile, nil, "only with --auth strict"},
		{"unknown key, not echoed", []string{"AKIDTESTER,sk-secret-typo"}, strict, nil, "key 2 is neither"},
	}
	for _, tt := range tests {
		got, err := testHeaderKeys(tt.values, tt.cfg, gateway)
		var ue *usageError
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (!errors.As(err, &ue) || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: error %v, want a usage error saying %q", tt.name, err, tt.wantErr)
		case err != nil && strings.Contains(err.Error(), "sk-secret-typo"):
			t.Errorf("%s: error echoes the key: %v", tt.name, err)
		case !slices.Equal(got, tt.want):
			t.Errorf("%s: keys %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestServeUnverifiedBodyFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--auth-unverified-body-max", "0"},
		{"--auth-unverified-body-timeout", "-1s"},
	} {
		_, stderr, code := invocation{args: append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)}.run(t)
		if code != 2 || !strings.Contains(stderr, "must be positive") {
			t.Errorf("%v: exit %d, stderr:\n%s", args, code, stderr)
		}
	}
}
