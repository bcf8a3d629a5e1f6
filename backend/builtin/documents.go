package builtin

import (
	"regexp"

	"github.com/rockstream/rockstream"
)

// pdfPageTokens is what one PDF page counts as input: Anthropic documents
// 1,500 to 3,000 tokens a page (its text and its image); the builtin
// model counts the low end.
const pdfPageTokens = 1500

// pdfPage finds a page object of a PDF (/Type /Page, not /Pages).
var pdfPage = regexp.MustCompile(`/Type\s*/Page([^s]|$)`)

// documentTokens counts a document block's input tokens: its name and
// context by their words; a PDF by its pages (at least one); text
// formats by their words; other binary formats (doc, docx, xls, xlsx)
// one token per four bytes, a rough rule for files it cannot read.
func documentTokens(d *rockstream.Document) int {
	if d == nil {
		return 0
	}
	n := countWords(d.Name) + countWords(d.Context)
	switch d.Format {
	case "pdf":
		n += pdfPageTokens * max(len(pdfPage.FindAllIndex(d.Bytes, -1)), 1)
	case "txt", "md", "html", "csv", "":
		n += countWords(d.Text) + countWords(string(d.Bytes))
	default:
		n += countWords(d.Text) + (len(d.Bytes)+3)/4
	}
	return n
}
