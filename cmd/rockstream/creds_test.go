package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestInspectAWS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		env         map[string]string
		config      string
		credentials string
		profile     string
		want        string
		region      string
	}{
		{name: "nothing at all", want: ""},
		{name: "access key in env", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s"}, want: "AWS_ACCESS_KEY_ID"},
		{name: "Bedrock API key", env: map[string]string{"AWS_BEARER_TOKEN_BEDROCK": "k"}, want: "AWS_BEARER_TOKEN_BEDROCK"},
		{name: "container credentials", env: map[string]string{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/creds"}, want: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"},
		{name: "web identity", env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "/t"}, want: "AWS_WEB_IDENTITY_TOKEN_FILE"},
		{name: "AWS_PROFILE names a profile", env: map[string]string{"AWS_PROFILE": "work"}, want: "AWS_PROFILE"},
		{name: "default profile with keys", credentials: "[default]\naws_access_key_id = AKIA\naws_secret_access_key = s\n", want: "profile default"},
		{name: "config with region only", config: "[default]\nregion = eu-west-3\n", want: "", region: "eu-west-3"},
		{name: "sso profile", config: "[default]\nsso_session = corp\nregion = us-west-2\n[sso-session corp]\nsso_start_url = https://x\nsso_region = us-east-1\n", want: "profile default", region: "us-west-2"},
		{name: "role profile chosen by flag", profile: "dev", config: "[profile dev]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n", want: "profile dev"},
		{name: "credential process", config: "[default]\ncredential_process = /bin/creds\n", want: "profile default"},
		{name: "flag names a missing profile", profile: "ghost", want: "profile ghost"},
		{name: "keys under another profile only", credentials: "[other]\naws_access_key_id = AKIA\naws_secret_access_key = s\n", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o755); err != nil {
				t.Fatal(err)
			}
			for name, body := range map[string]string{"config": tt.config, "credentials": tt.credentials} {
				if body != "" {
					if err := os.WriteFile(filepath.Join(home, ".aws", name), []byte(body), 0o600); err != nil {
						t.Fatal(err)
					}
				}
			}
			env := map[string]string{"HOME": home}
			for k, v := range tt.env {
				env[k] = v
			}
			got := inspectAWS(t.Context(), func(k string) string { return env[k] }, tt.profile)
			if got.Credentials != tt.want {
				t.Errorf("credentials = %q, want %q", got.Credentials, tt.want)
			}
			if got.Region != tt.region {
				t.Errorf("region = %q, want %q", got.Region, tt.region)
			}
		})
	}
}

func TestInspectAWSHonoursFileVariables(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	creds := filepath.Join(dir, "creds")
	if err := os.WriteFile(creds, []byte("[default]\naws_access_key_id = AKIA\naws_secret_access_key = s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": t.TempDir(), "AWS_SHARED_CREDENTIALS_FILE": creds, "AWS_CONFIG_FILE": filepath.Join(dir, "none")}
	if got := inspectAWS(t.Context(), func(k string) string { return env[k] }, ""); got.Credentials != "profile default" {
		t.Errorf("credentials = %q, want the file's default profile", got.Credentials)
	}
}

func TestResolveRegion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flag    string
		env     map[string]string
		profile string
		want    string
	}{
		{"", nil, "", "us-east-1"},
		{"", nil, "eu-west-1", "eu-west-1"},
		{"", map[string]string{"AWS_DEFAULT_REGION": "ap-south-1"}, "eu-west-1", "ap-south-1"},
		{"", map[string]string{"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "ap-south-1"}, "", "us-west-2"},
		{"ca-central-1", map[string]string{"AWS_REGION": "us-west-2"}, "eu-west-1", "ca-central-1"},
	}
	for _, tt := range tests {
		got := resolveRegion(tt.flag, func(k string) string { return tt.env[k] }, awsSetup{Region: tt.profile})
		if got != tt.want {
			t.Errorf("resolveRegion(%q, %v, %q) = %q, want %q", tt.flag, tt.env, tt.profile, got, tt.want)
		}
	}
}
