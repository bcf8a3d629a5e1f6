package bedrock

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/aws/smithy-go/auth/bearer"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// bearerSigner sends a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK) as the
// SDK's signer does, over https, and also over plain http to a loopback
// address, where rockstream's local runtime listens. The SDK's own signer
// refuses all plain http; other hosts are still refused, so a key never
// crosses a network in clear text.
type bearerSigner struct{}

func (bearerSigner) SignWithBearerToken(ctx context.Context, token bearer.Token, msg bearer.Message) (bearer.Message, error) {
	req, ok := msg.(*smithyhttp.Request)
	if !ok {
		return nil, fmt.Errorf("bedrock: bearer signer got %T, want an HTTP request", msg)
	}
	if err := bearerAllowed(req.URL); err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token.Value)
	return req, nil
}

// bearerAllowed refuses to send a key in clear text beyond this machine.
func bearerAllowed(u *url.URL) error {
	if !strings.EqualFold(u.Scheme, "https") && !isLoopback(u.Hostname()) {
		return fmt.Errorf("bedrock: a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK) is only sent over https "+
			"or to a loopback address, not to %s", u.Host)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
