package bedrock

import (
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/schemas"
	"github.com/aws/smithy-go/transport/http/protocol/restjson1"
)

// ownProtocol gives one call its own instance of the SDK's restJson1
// protocol. bedrockruntime v1.63 keeps one event-stream codec per client,
// with state its stream readers write unguarded (a reused payload buffer, a
// lazily built decoder), so two streams of one client race on it — the race
// detector reports it. A protocol per call costs one small allocation.
func ownProtocol(o *bedrockruntime.Options) {
	o.Protocol = restjson1.New(schemas.AmazonBedrockFrontendService)
}
