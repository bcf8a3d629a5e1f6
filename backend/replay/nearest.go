package replay

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
)

// nearest describes up to n recordings closest to req: same model first,
// then the most words of the conversation in common, each with the
// fields in which it differs.
func nearest(all []*Recording, req Request, n int) []string {
	type scored struct {
		rec   *Recording
		score float64
	}
	words := wordSet(req)
	var list []scored
	for _, rec := range all {
		s := jaccard(words, wordSet(rec.Request))
		if rec.Request.Model == req.Model {
			s += 1
		}
		list = append(list, scored{rec, s})
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].score > list[j].score })
	var out []string
	for i := 0; i < len(list) && i < n; i++ {
		rec := list[i].rec
		out = append(out, fmt.Sprintf("%s (model %s; differs in %s)", filepath.Base(rec.file), rec.Request.Model,
			strings.Join(differingFields(rec.Request, req), ", ")))
	}
	return out
}

// differingFields names the top-level request fields that differ.
func differingFields(a, b Request) []string {
	var ma, mb map[string]any
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	_ = json.Unmarshal(ja, &ma)
	_ = json.Unmarshal(jb, &mb)
	var diff []string
	for k := range merge(ma, mb) {
		if !reflect.DeepEqual(ma[k], mb[k]) {
			diff = append(diff, k)
		}
	}
	sort.Strings(diff)
	if len(diff) == 0 {
		return []string{"nothing visible"}
	}
	return diff
}

func merge(a, b map[string]any) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

func wordSet(r Request) map[string]bool {
	set := map[string]bool{}
	add := func(s string) {
		for _, w := range strings.Fields(strings.ToLower(s)) {
			set[w] = true
		}
	}
	for _, s := range r.System {
		add(s)
	}
	for _, m := range r.Messages {
		for _, b := range m.Content {
			add(b.Text)
		}
	}
	return set
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
