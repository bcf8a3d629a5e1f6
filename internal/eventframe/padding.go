package eventframe

import (
	"bytes"
	"math/rand/v2"
)

// padAlphabet is what Bedrock's "p" padding member is a prefix of.
const padAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// Padding returns a "p" value: a prefix of padAlphabet of random length,
// as real traffic carries to blur frame sizes.
func Padding() string {
	return padAlphabet[:1+rand.IntN(len(padAlphabet)-1)]
}

// PadObject returns obj, a JSON object, with a top-level "p" member of pad
// added, as real ConverseStream events carry it; pad must need no JSON
// escaping (Padding's values do not). Anything that is not an object, or
// an empty pad, comes back unchanged. obj itself is never modified.
func PadObject(obj []byte, pad string) []byte {
	n := len(obj)
	if pad == "" || n < 2 || obj[0] != '{' || obj[n-1] != '}' {
		return obj
	}
	out := make([]byte, 0, n+len(pad)+8)
	out = append(out, obj[:n-1]...)
	if len(bytes.TrimSpace(obj[1:n-1])) > 0 {
		out = append(out, ',')
	}
	out = append(out, `"p":"`...)
	out = append(out, pad...)
	return append(out, `"}`...)
}
