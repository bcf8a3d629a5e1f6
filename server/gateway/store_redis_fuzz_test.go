package gateway

import "testing"

// FuzzParseEntryID: any text either fails to parse or is an entry ID that
// entryID makes again exactly, so a stranger's entry is never taken for an
// event or an end.
func FuzzParseEntryID(f *testing.F) {
	for _, s := range []string{"0-1", "1-0", "42-1", "7-2", "-1-0", "1-", "x-0", "1234567890123-0", "01-0", "1-00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		seq, end, err := parseEntryID(id)
		if err != nil {
			return
		}
		if seq < 0 {
			t.Fatalf("%q parsed to event %d", id, seq)
		}
		if again := entryID(seq, end); again != id {
			t.Fatalf("%q parsed to (%d, %v), which is %q", id, seq, end, again)
		}
	})
}
