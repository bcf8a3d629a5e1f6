package builtin

import (
	"context"
	"testing"

	"github.com/rockstream/rockstream"
)

func TestDocumentTokens(t *testing.T) {
	t.Parallel()
	twoPages := []byte("%PDF-1.7\n1 0 obj <</Type /Pages /Kids [2 0 R 3 0 R]>>\n2 0 obj <</Type /Page>>\n3 0 obj <</Type/Page /Parent 1 0 R>>\n%%EOF")
	tests := []struct {
		name string
		doc  rockstream.Document
		want int
	}{
		{"text source", rockstream.Document{Format: "txt", Name: "notes", Text: "one two three"}, 1 + 3},
		{"markdown bytes", rockstream.Document{Format: "md", Name: "readme file", Bytes: []byte("# Title\n\nSome words here.")}, 2 + 5},
		{"pdf pages", rockstream.Document{Format: "pdf", Name: "report", Bytes: twoPages}, 1 + 2*pdfPageTokens},
		{"pdf without page objects", rockstream.Document{Format: "pdf", Name: "scan", Bytes: []byte("%PDF")}, 1 + pdfPageTokens},
		{"docx by size", rockstream.Document{Format: "docx", Name: "memo", Context: "from legal", Bytes: make([]byte, 400)}, 1 + 2 + 100},
	}
	for _, tt := range tests {
		if got := documentTokens(&tt.doc); got != tt.want {
			t.Errorf("%s: %d tokens, want %d", tt.name, got, tt.want)
		}
	}
}

// Document and guard-content blocks are read as input, counted, and
// answered.
func TestAcceptsDocumentsAndGuardContent(t *testing.T) {
	t.Parallel()
	req := &rockstream.Request{Model: thinkingModel, Messages: []rockstream.Message{{Role: rockstream.RoleUser, Content: []rockstream.Block{
		{Type: rockstream.BlockDocument, Document: &rockstream.Document{Format: "pdf", Name: "report", Bytes: []byte("%PDF-1.4 /Type /Page"), Citations: true}},
		{Type: rockstream.BlockGuardContent, Text: "is this safe", Qualifiers: []string{"query"}},
		{Type: rockstream.BlockText, Text: "Summarise the report."},
	}}}}
	evs, err := collect(t, context.Background(), New(fast), req)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := evs[0].(rockstream.MessageStart).Usage.InputTokens, 3+1+pdfPageTokens+3+3; got != want {
		t.Errorf("input tokens %d, want %d", got, want)
	}
	if accumulate(t, evs).Text() == "" {
		t.Error("no answer")
	}
}
