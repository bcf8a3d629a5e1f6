package bench

import "slices"

// Fidelity counts streams whose pieces differ from the known answer.
type Fidelity struct {
	Checked    int `json:"checked"`
	Exact      int `json:"exact"`
	Lost       int `json:"lost"`       // streams missing a piece
	Duplicated int `json:"duplicated"` // streams with a piece too many
	Reordered  int `json:"reordered"`  // streams with every piece, out of order
}

// Percent is the share of checked streams that were exact (100 with none).
func (f *Fidelity) Percent() float64 {
	if f.Checked == 0 {
		return 100
	}
	return 100 * float64(f.Exact) / float64(f.Checked)
}

// check compares one completed stream's pieces with the expected ones.
func (f *Fidelity) check(want, got []string) {
	f.Checked++
	if slices.Equal(want, got) {
		f.Exact++
		return
	}
	counts := map[string]int{}
	for _, p := range want {
		counts[p]++
	}
	for _, p := range got {
		counts[p]--
	}
	lost, dup := false, false
	for _, n := range counts {
		if n > 0 {
			lost = true
		}
		if n < 0 {
			dup = true
		}
	}
	switch {
	case lost || dup:
		if lost {
			f.Lost++
		}
		if dup {
			f.Duplicated++
		}
	default:
		f.Reordered++
	}
}
