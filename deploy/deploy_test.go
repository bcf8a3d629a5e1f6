// Package deploy holds the container image's compose example; its test
// checks the example and the Dockerfile, which cannot be built here.
package deploy

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/rockstream/rockstream/config"
)

type compose struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		Volumes     []string          `yaml:"volumes"`
		DependsOn   []string          `yaml:"depends_on"`
	} `yaml:"services"`
}

func TestComposeExample(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	var replicas []string
	for name, s := range c.Services {
		if s.Build != nil {
			replicas = append(replicas, name)
			if !slices.Contains(s.Command, "--config") || !strings.HasPrefix(s.Environment["ROCKSTREAM_REDIS"], "redis://redis:") {
				t.Errorf("replica %s: command %v, environment %v; want --config and ROCKSTREAM_REDIS", name, s.Command, s.Environment)
			}
		}
	}
	if len(replicas) != 2 {
		t.Errorf("replicas built from the Dockerfile: %v, want two", replicas)
	}
	if img := c.Services["redis"].Image; !strings.HasPrefix(img, "redis:") {
		t.Errorf("redis image %q", img)
	}
	lb := c.Services["lb"]
	if !strings.HasPrefix(lb.Image, "nginx:") || len(lb.Ports) != 1 || len(lb.DependsOn) != 2 {
		t.Errorf("load balancer %+v, want nginx with a port, in front of both replicas", lb)
	}
	nginx, err := os.ReadFile("nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range append(replicas, "proxy_buffering off") {
		if !strings.Contains(string(nginx), want) {
			t.Errorf("nginx.conf lacks %q", want)
		}
	}
	if _, err := config.Read("rockstream.yaml"); err != nil {
		t.Errorf("the replicas' configuration: %v", err)
	}
}

func TestDockerfile(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	stages := regexp.MustCompile(`(?m)^FROM \S+`).FindAllString(text, -1)
	if len(stages) != 2 || !strings.Contains(stages[0], "golang:") || !strings.Contains(stages[1], "distroless/static") {
		t.Errorf("stages %v, want a Go build stage and a distroless static one", stages)
	}
	for _, want := range []string{
		"CGO_ENABLED=0 go build",
		"COPY --from=build /out/rockstream /usr/local/bin/rockstream",
		`ENTRYPOINT ["/usr/local/bin/rockstream"]`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	user := regexp.MustCompile(`(?m)^USER (\S+)`).FindStringSubmatch(text)
	if user == nil || strings.HasPrefix(user[1], "root") || user[1] == "0" {
		t.Errorf("USER %v, want a non-root user", user)
	}
	if last := strings.LastIndex(text, "USER "); last < strings.LastIndex(text, "FROM ") {
		t.Error("the final stage runs as root: USER comes before its FROM")
	}
}
