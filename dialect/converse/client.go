package converse

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/document"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/rockstream/rockstream"
)

// ToStreamInput builds the SDK's ConverseStream input for req. top_k,
// extended thinking and Anthropic beta flags, which Converse has no member
// for, travel in additionalModelRequestFields as Anthropic models read
// them. What Converse cannot carry is refused as EncodeRequest refuses it.
func ToStreamInput(req *rockstream.Request) (*bedrockruntime.ConverseStreamInput, error) {
	if err := checkCarried(req); err != nil {
		return nil, err
	}
	in := &bedrockruntime.ConverseStreamInput{ModelId: aws.String(req.Model), System: systemToSDK(req)}
	for i, m := range req.Messages {
		content, err := blocksToSDK(m.Content)
		if err != nil {
			return nil, fmt.Errorf("converse: message %d: %w", i, err)
		}
		in.Messages = append(in.Messages, types.Message{Role: types.ConversationRole(m.Role), Content: content})
	}
	if req.MaxTokens > 0 || req.Temperature != nil || req.TopP != nil || len(req.StopSequences) > 0 {
		ic := &types.InferenceConfiguration{StopSequences: req.StopSequences}
		if req.MaxTokens > 0 {
			ic.MaxTokens = aws.Int32(int32(min(req.MaxTokens, 1<<31-1)))
		}
		if req.Temperature != nil {
			ic.Temperature = aws.Float32(float32(*req.Temperature))
		}
		if req.TopP != nil {
			ic.TopP = aws.Float32(float32(*req.TopP))
		}
		in.InferenceConfig = ic
	}
	if len(req.Tools) > 0 {
		tc := &types.ToolConfiguration{}
		for _, t := range req.Tools {
			schema, err := jsonDocument(schemaOrObject(t.InputSchema))
			if err != nil {
				return nil, fmt.Errorf("converse: tool %s schema: %w", t.Name, err)
			}
			spec := types.ToolSpecification{Name: aws.String(t.Name), InputSchema: &types.ToolInputSchemaMemberJson{Value: schema}}
			if t.Description != "" {
				spec.Description = aws.String(t.Description)
			}
			tc.Tools = append(tc.Tools, &types.ToolMemberToolSpec{Value: spec})
			if t.Cache != nil {
				tc.Tools = append(tc.Tools, &types.ToolMemberCachePoint{Value: cacheToSDK(t.Cache.TTL)})
			}
		}
		if c := req.ToolChoice; c != nil {
			switch c.Type {
			case "auto":
				tc.ToolChoice = &types.ToolChoiceMemberAuto{}
			case "any":
				tc.ToolChoice = &types.ToolChoiceMemberAny{}
			case "tool":
				tc.ToolChoice = &types.ToolChoiceMemberTool{Value: types.SpecificToolChoice{Name: aws.String(c.Name)}}
			}
		}
		in.ToolConfig = tc
	}
	if err := optionsToSDK(in, req); err != nil {
		return nil, err
	}
	return in, nil
}

// jsonDocument wraps JSON in an SDK document.
func jsonDocument(raw json.RawMessage) (document.Interface, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return document.NewLazyDocument(v), nil
}

func blocksToSDK(content []rockstream.Block) ([]types.ContentBlock, error) {
	out := make([]types.ContentBlock, 0, len(content))
	for _, b := range content {
		switch b.Type {
		case rockstream.BlockText:
			out = append(out, &types.ContentBlockMemberText{Value: b.Text})
		case rockstream.BlockImage:
			img, err := imageToSDK(b.Image)
			if err != nil {
				return nil, err
			}
			out = append(out, &types.ContentBlockMemberImage{Value: img})
		case rockstream.BlockToolUse:
			in := b.Input
			if len(in) == 0 {
				in = json.RawMessage("{}")
			}
			doc, err := jsonDocument(in)
			if err != nil {
				return nil, fmt.Errorf("tool_use %s input: %w", b.ToolUseID, err)
			}
			out = append(out, &types.ContentBlockMemberToolUse{Value: types.ToolUseBlock{
				ToolUseId: aws.String(b.ToolUseID), Name: aws.String(b.Name), Input: doc}})
		case rockstream.BlockToolResult:
			tr := types.ToolResultBlock{ToolUseId: aws.String(b.ToolUseID), Content: []types.ToolResultContentBlock{}}
			if b.IsError {
				tr.Status = types.ToolResultStatusError
			}
			for _, c := range b.Content {
				switch c.Type {
				case rockstream.BlockText:
					tr.Content = append(tr.Content, &types.ToolResultContentBlockMemberText{Value: c.Text})
				case rockstream.BlockImage:
					img, err := imageToSDK(c.Image)
					if err != nil {
						return nil, err
					}
					tr.Content = append(tr.Content, &types.ToolResultContentBlockMemberImage{Value: img})
				}
			}
			out = append(out, &types.ContentBlockMemberToolResult{Value: tr})
		case rockstream.BlockThinking:
			rt := types.ReasoningTextBlock{Text: aws.String(b.Text)}
			if b.Signature != "" {
				rt.Signature = aws.String(b.Signature)
			}
			out = append(out, &types.ContentBlockMemberReasoningContent{Value: &types.ReasoningContentBlockMemberReasoningText{Value: rt}})
		case rockstream.BlockRedactedThinking:
			out = append(out, &types.ContentBlockMemberReasoningContent{
				Value: &types.ReasoningContentBlockMemberRedactedContent{Value: []byte(b.Data)}})
		case rockstream.BlockDocument:
			doc, err := documentToSDK(b.Document)
			if err != nil {
				return nil, err
			}
			out = append(out, doc)
		case rockstream.BlockGuardContent:
			out = append(out, guardContentToSDK(b))
		default:
			return nil, fmt.Errorf("unsupported content block type %q", b.Type)
		}
		if b.Cache != nil {
			out = append(out, &types.ContentBlockMemberCachePoint{Value: cacheToSDK(b.Cache.TTL)})
		}
	}
	return out, nil
}

func imageToSDK(img *rockstream.Image) (types.ImageBlock, error) {
	if img == nil {
		return types.ImageBlock{}, fmt.Errorf("image block without an image")
	}
	return types.ImageBlock{
		Format: types.ImageFormat(strings.TrimPrefix(img.MediaType, "image/")),
		Source: &types.ImageSourceMemberBytes{Value: img.Data},
	}, nil
}
