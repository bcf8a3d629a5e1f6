package main

import (
	"context"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/config"
)

// defaultRegion is where rockstream calls Bedrock when nothing names a
// region, and the region the local runtime reports.
const defaultRegion = "us-east-1"

// awsSetup is what the environment and the shared files say about AWS.
type awsSetup struct {
	// Credentials names where credentials come from ("AWS_ACCESS_KEY_ID",
	// "profile default"); empty when none are configured.
	Credentials string
	// Region is the region the profile names, if any.
	Region string
}

// inspectAWS decides whether AWS credentials are configured, from the
// environment variables in credentialEnv and the chosen profile of the
// shared config and credentials files. It never contacts a network
// service: the EC2 instance metadata service is not consulted, so a
// machine whose only credentials come from it needs AWS_PROFILE,
// --profile or --endpoint-url to leave the local runtime.
func inspectAWS(ctx context.Context, getenv func(string) string, profile string) awsSetup {
	var s awsSetup
	for _, name := range credentialEnv {
		if getenv(name) != "" {
			s.Credentials = name
			break
		}
	}
	if profile == "" {
		profile = getenv("AWS_PROFILE")
	}
	explicit := profile != ""
	if !explicit {
		profile = config.DefaultSharedConfigProfile
	}
	sc, err := config.LoadSharedConfigProfile(ctx, profile, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles = sharedFiles(getenv, envConfigFile, "config")
		o.CredentialsFiles = sharedFiles(getenv, envCredentialsFile, "credentials")
	})
	if err == nil {
		s.Region = sc.Region
		if s.Credentials == "" && profileHasCredentials(sc) {
			s.Credentials = "profile " + profile
		}
	}
	if s.Credentials == "" && explicit {
		// A named profile is a request to use AWS; if it is missing or
		// empty, the SDK's own error says so better than a silent fallback.
		s.Credentials = "profile " + profile
	}
	return s
}

// profileHasCredentials reports whether a shared-config profile can yield
// credentials by any of the SDK's providers.
func profileHasCredentials(sc config.SharedConfig) bool {
	return sc.Credentials.AccessKeyID != "" ||
		sc.RoleARN != "" ||
		sc.CredentialProcess != "" ||
		sc.CredentialSource != "" ||
		sc.WebIdentityTokenFile != "" ||
		sc.SSOSessionName != "" ||
		sc.SSOStartURL != "" ||
		sc.LoginSession != ""
}

// sharedFiles is the path of a shared file: the environment variable's, or
// ~/.aws/<name>.
func sharedFiles(getenv func(string) string, env, name string) []string {
	if p := getenv(env); p != "" {
		return []string{p}
	}
	home := getenv("HOME")
	if home == "" {
		home = getenv("USERPROFILE")
	}
	if home == "" {
		return []string{}
	}
	return []string{filepath.Join(home, ".aws", name)}
}

// resolveRegion picks the region: the flag (or ROCKSTREAM_REGION), then
// AWS_REGION, AWS_DEFAULT_REGION, the profile's, then us-east-1.
func resolveRegion(flagRegion string, getenv func(string) string, s awsSetup) string {
	for _, r := range []string{flagRegion, getenv(envRegion), getenv(envDefaultRegion), s.Region} {
		if r != "" {
			return r
		}
	}
	return defaultRegion
}
