package server_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/rockstream/rockstream"

// frontendPatterns are the packages that serve callers. None may depend
// on a backend: per-request settings reach backends through package
// override, in the request's context.
var frontendPatterns = []string{module + "/server/...", module + "/web/..."}

// depsOf maps each package matching patterns to its transitive imports,
// tests excluded, as the go command resolves them.
func depsOf(t *testing.T, patterns ...string) map[string][]string {
	t.Helper()
	args := append([]string{"list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`}, patterns...)
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{}
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		deps[fields[0]] = fields[1:]
	}
	return deps
}

func backendsIn(deps []string) []string {
	var found []string
	for _, d := range deps {
		if d == module+"/backend" || strings.HasPrefix(d, module+"/backend/") {
			found = append(found, d)
		}
	}
	return found
}

func TestNoFrontendImportsABackend(t *testing.T) {
	all := depsOf(t, append(frontendPatterns, module+"/cmd/rockstream")...)
	// The wiring does import backends: the check can see them.
	if len(backendsIn(all[module+"/cmd/rockstream"])) == 0 {
		t.Fatal("cmd/rockstream shows no backend among its dependencies; the check is blind")
	}
	frontends := 0
	for pkg, deps := range all {
		if pkg == module+"/cmd/rockstream" {
			continue
		}
		frontends++
		if found := backendsIn(deps); len(found) > 0 {
			t.Errorf("%s depends on %s", pkg, strings.Join(found, ", "))
		}
	}
	if frontends < 4 {
		t.Errorf("checked only %d frontend packages", frontends)
	}
}
