package openaicompat

import (
	"errors"
	"net/url"
	"strings"

	"github.com/rockstream/rockstream"
)

// redactedPassword stands for the upstream URL's password, as
// url.URL.Redacted writes it.
const redactedPassword = "xxxxx"

// minSecretLen is the shortest password scrubbed wherever it appears on
// its own; a shorter one is scrubbed only inside the URL, where it cannot
// be mistaken for ordinary words.
const minSecretLen = 6

// scrubber removes the --upstream URL's password from the errors the
// backend returns: their text becomes client error bodies, log lines and
// recordings, none of which may carry it.
type scrubber struct {
	r *strings.Replacer // nil when the URL has no password
}

func newScrubber(baseURL string) scrubber {
	u, err := url.Parse(baseURL)
	var pass string
	if err == nil && u.User != nil {
		pass, _ = u.User.Password()
	}
	if pass == "" {
		// An unparsable URL may still hold user:pass@; cut it by hand.
		if at := strings.LastIndex(baseURL, "@"); at >= 0 {
			if scheme := strings.Index(baseURL, "://"); scheme >= 0 && scheme < at {
				if colon := strings.Index(baseURL[scheme+3:at], ":"); colon >= 0 {
					pass = baseURL[scheme+3+colon+1 : at]
				}
			}
		}
	}
	if pass == "" {
		return scrubber{}
	}
	pairs := []string{":" + pass + "@", ":" + redactedPassword + "@"}
	if esc := url.UserPassword("", pass).String(); esc != ":"+pass {
		pairs = append(pairs, esc+"@", ":"+redactedPassword+"@")
	}
	if len(pass) >= minSecretLen {
		pairs = append(pairs, pass, redactedPassword)
	}
	return scrubber{r: strings.NewReplacer(pairs...)}
}

func (s scrubber) text(t string) string {
	if s.r == nil {
		return t
	}
	return s.r.Replace(t)
}

// err returns err with the password scrubbed from its text and from every
// error it wraps, keeping the types callers branch on (*rockstream.Error,
// *url.Error, joined sentinels such as rockstream.ErrIncomplete).
func (s scrubber) err(err error) error {
	if s.r == nil || err == nil {
		return err
	}
	switch e := err.(type) {
	case *rockstream.Error:
		c := *e
		c.Message = s.text(c.Message)
		c.Err = s.err(c.Err)
		return &c
	case *url.Error:
		c := *e
		c.URL = s.text(c.URL)
		c.Err = s.err(c.Err)
		return &c
	case interface{ Unwrap() []error }:
		if s.text(err.Error()) == err.Error() {
			return err
		}
		var errs []error
		for _, inner := range e.Unwrap() {
			errs = append(errs, s.err(inner))
		}
		return errors.Join(errs...)
	}
	if msg := err.Error(); s.text(msg) != msg {
		return errors.New(s.text(msg))
	}
	return err
}
