package converse

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/rockstream/rockstream"
)

// SDKDecoder turns the SDK's ConverseStream events into neutral events.
// It is stateful: one per stream.
type SDKDecoder struct {
	stopped, metadata bool
}

// NewSDKDecoder returns a decoder for one stream.
func NewSDKDecoder() *SDKDecoder { return &SDKDecoder{} }

// Done reports whether both messageStop and metadata have been decoded.
// Bedrock always ends a ConverseStream with metadata, so a stream cut
// between the two lost its usage and is reported as incomplete; Stopped
// tells whether the answer itself was finished.
func (d *SDKDecoder) Done() bool { return d.stopped && d.metadata }

// Stopped reports whether messageStop has been decoded.
func (d *SDKDecoder) Stopped() bool { return d.stopped }

// Decode appends the events ev carries to dst. Union members the neutral
// model has no place for (citations, tool-result and image deltas, and
// members newer than this SDK) carry nothing.
func (d *SDKDecoder) Decode(dst []rockstream.Event, ev types.ConverseStreamOutput) ([]rockstream.Event, error) {
	if d.metadata {
		return dst, fmt.Errorf("converse: %T after metadata", ev)
	}
	switch ev := ev.(type) {
	case *types.ConverseStreamOutputMemberMessageStart:
		return append(dst, rockstream.MessageStart{}), nil
	case *types.ConverseStreamOutputMemberContentBlockStart:
		i, err := index(ev.Value.ContentBlockIndex)
		if err != nil {
			return dst, err
		}
		if tu, ok := ev.Value.Start.(*types.ContentBlockStartMemberToolUse); ok {
			return append(dst, rockstream.BlockStart{Index: i, Type: rockstream.BlockToolUse,
				ToolUseID: deref(tu.Value.ToolUseId), Name: deref(tu.Value.Name)}), nil
		}
		return dst, nil
	case *types.ConverseStreamOutputMemberContentBlockDelta:
		i, err := index(ev.Value.ContentBlockIndex)
		if err != nil {
			return dst, err
		}
		return decodeDelta(dst, i, ev.Value.Delta)
	case *types.ConverseStreamOutputMemberContentBlockStop:
		i, err := index(ev.Value.ContentBlockIndex)
		if err != nil {
			return dst, err
		}
		return append(dst, rockstream.BlockStop{Index: i}), nil
	case *types.ConverseStreamOutputMemberMessageStop:
		d.stopped = true
		stop := rockstream.MessageStop{StopReason: rockstream.StopReason(ev.Value.StopReason)}
		if f := ev.Value.AdditionalModelResponseFields; f != nil {
			var extra struct {
				StopSequence string `json:"stop_sequence"`
			}
			if b, err := f.MarshalSmithyDocument(); err == nil {
				if json.Unmarshal(b, &extra) == nil {
					stop.StopSequence = extra.StopSequence
				}
				stop.AdditionalFields = string(additionalToWire(string(b)))
			}
		}
		return append(dst, stop), nil
	case *types.ConverseStreamOutputMemberMetadata:
		d.metadata = true
		return append(dst, metadataFromSDK(ev.Value)), nil
	case *types.UnknownUnionMember:
		return dst, nil
	case nil:
		return dst, fmt.Errorf("converse: nil stream event")
	}
	return dst, nil
}

func decodeDelta(dst []rockstream.Event, i int, delta types.ContentBlockDelta) ([]rockstream.Event, error) {
	switch dl := delta.(type) {
	case *types.ContentBlockDeltaMemberText:
		return append(dst, rockstream.TextDelta{Index: i, Text: dl.Value}), nil
	case *types.ContentBlockDeltaMemberToolUse:
		return append(dst, rockstream.ToolInputDelta{Index: i, PartialJSON: deref(dl.Value.Input)}), nil
	case *types.ContentBlockDeltaMemberReasoningContent:
		switch r := dl.Value.(type) {
		case *types.ReasoningContentBlockDeltaMemberText:
			return append(dst, rockstream.ReasoningDelta{Index: i, Text: r.Value}), nil
		case *types.ReasoningContentBlockDeltaMemberSignature:
			return append(dst, rockstream.SignatureDelta{Index: i, Signature: r.Value}), nil
		case *types.ReasoningContentBlockDeltaMemberRedactedContent:
			return append(dst, rockstream.BlockStart{Index: i, Type: rockstream.BlockRedactedThinking, Data: string(r.Value)}), nil
		case nil:
			return dst, fmt.Errorf("converse: empty reasoningContent delta for block %d", i)
		}
	case nil:
		return dst, fmt.Errorf("converse: contentBlockDelta without a delta for block %d", i)
	}
	return dst, nil
}

func metadataFromSDK(m types.ConverseStreamMetadataEvent) rockstream.Metadata {
	var md rockstream.Metadata
	if u := m.Usage; u != nil {
		md.Usage = rockstream.Usage{
			InputTokens: int(deref(u.InputTokens)), OutputTokens: int(deref(u.OutputTokens)),
			CacheReadInputTokens: int(deref(u.CacheReadInputTokens)), CacheWriteInputTokens: int(deref(u.CacheWriteInputTokens)),
		}
	}
	if m.Metrics != nil {
		md.Metrics.InvocationLatency = time.Duration(deref(m.Metrics.LatencyMs)) * time.Millisecond
	}
	if p := m.PerformanceConfig; p != nil {
		md.Latency = string(p.Latency)
	}
	if t := m.ServiceTier; t != nil {
		md.ServiceTier = string(t.Type)
	}
	return md
}

func index(p *int32) (int, error) {
	if p == nil || *p < 0 {
		return 0, fmt.Errorf("converse: event without a valid contentBlockIndex")
	}
	return int(*p), nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
