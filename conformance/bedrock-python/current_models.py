# Streams one of today's Bedrock models from the local runtime with boto3,
# configured only by the environment. invoke-stream sends the model
# family's own InvokeModel body and reads each chunk the way that family's
# users do; converse-stream sends the same question through ConverseStream.
# Prints one JSON line per event, each tagged with its operation, and
# {"op", "done": true} or {"op", "error"} when an operation ends.
#
#   python3 current_models.py MODEL_ID [invoke-stream] [converse-stream]
#
# With no operation named, both run, one after the other, in this process.
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EventStreamError

PROMPT = "Tell me a story about a lighthouse keeper."
MAX_TOKENS = 40
GEOGRAPHIES = {"us", "eu", "apac", "jp", "au", "global"}


def emit(obj):
    print(json.dumps({k: v for k, v in obj.items() if v is not None}), flush=True)


def family(model_id):
    """The InvokeModel dialect of a model or inference-profile ID."""
    parts = model_id.split(".")
    provider = parts[1] if parts[0] in GEOGRAPHIES else parts[0]
    if provider == "deepseek":
        return "deepseek-r1" if "deepseek.r1" in model_id else "chat"
    return {"anthropic": "anthropic", "meta": "llama", "openai": "chat", "qwen": "chat"}.get(provider, provider)


def body_for(fam, model_id):
    """The question in the family's InvokeModel body."""
    if fam == "anthropic":
        return {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": MAX_TOKENS,
            "messages": [{"role": "user", "content": PROMPT}],
        }
    if fam == "llama":
        if "llama4" in model_id:
            prompt = ("<|begin_of_text|><|header_start|>user<|header_end|>\n\n" + PROMPT
                      + "<|eot|><|header_start|>assistant<|header_end|>\n\n")
        else:
            prompt = ("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n" + PROMPT
                      + "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
        return {"prompt": prompt, "max_gen_len": MAX_TOKENS}
    if fam == "chat":
        limit = "max_completion_tokens" if "gpt-oss" in model_id else "max_tokens"
        return {"messages": [{"role": "user", "content": PROMPT}], limit: MAX_TOKENS}
    if fam == "deepseek-r1":
        return {
            "prompt": "<｜begin▁of▁sentence｜><｜User｜>" + PROMPT + "<｜Assistant｜><think>\n",
            "max_tokens": MAX_TOKENS,
        }
    raise ValueError("no InvokeModel body for family " + fam)


def read_chunk(fam, c):
    """Text, stop reason and token counts as a family's chunk gives them."""
    if fam == "anthropic":
        kind = c.get("type")
        return {
            "text": c["delta"].get("text") if kind == "content_block_delta" else None,
            "stop": c["delta"].get("stop_reason") if kind == "message_delta" else None,
            "inputTokens": c["message"]["usage"]["input_tokens"] if kind == "message_start" else None,
            "outputTokens": c["usage"]["output_tokens"] if kind == "message_delta" else None,
        }
    if fam == "llama":
        return {
            "text": c.get("generation"),
            "stop": c.get("stop_reason"),
            "inputTokens": c.get("prompt_token_count"),
            "outputTokens": c.get("generation_token_count") if c.get("stop_reason") else None,
        }
    choice = (c.get("choices") or [{}])[0]
    if fam == "deepseek-r1":
        return {"text": choice.get("text"), "stop": choice.get("stop_reason")}
    usage = c.get("usage") or {}
    return {
        "text": (choice.get("delta") or {}).get("content"),
        "stop": choice.get("finish_reason"),
        "inputTokens": usage.get("prompt_tokens"),
        "outputTokens": usage.get("completion_tokens"),
    }


def invoke_stream(client, model_id):
    fam = family(model_id)
    body = body_for(fam, model_id)
    emit({"op": "invoke-stream", "body": body})
    response = client.invoke_model_with_response_stream(
        modelId=model_id, body=json.dumps(body), contentType="application/json", accept="application/json"
    )
    for event in response["body"]:
        if "chunk" not in event:
            emit({"op": "invoke-stream", "event": next(iter(event))})
            continue
        chunk = json.loads(event["chunk"]["bytes"])
        read = read_chunk(fam, chunk)
        # Every family's last chunk carries Bedrock's invocation metrics.
        metrics = chunk.get("amazon-bedrock-invocationMetrics") or {}
        if read.get("inputTokens") is None:
            read["inputTokens"] = metrics.get("inputTokenCount")
        if read.get("outputTokens") is None:
            read["outputTokens"] = metrics.get("outputTokenCount")
        emit({"op": "invoke-stream", "chunk": chunk, **read})


def converse_stream(client, model_id):
    response = client.converse_stream(
        modelId=model_id,
        messages=[{"role": "user", "content": [{"text": PROMPT}]}],
        inferenceConfig={"maxTokens": MAX_TOKENS},
    )
    for event in response["stream"]:
        (name, value), = event.items()
        usage = value.get("usage") or {}
        emit({
            "op": "converse-stream",
            "event": name,
            "text": (value.get("delta") or {}).get("text"),
            "stop": value.get("stopReason"),
            "inputTokens": usage.get("inputTokens"),
            "outputTokens": usage.get("outputTokens"),
        })


OPS = {"invoke-stream": invoke_stream, "converse-stream": converse_stream}


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: python3 current_models.py MODEL_ID [invoke-stream] [converse-stream]")
    model_id, named = sys.argv[1], sys.argv[2:] or list(OPS)
    client = boto3.client(
        "bedrock-runtime", config=Config(retries={"max_attempts": 0, "mode": "standard"})
    )
    failed = False
    for op in named:
        if op not in OPS:
            sys.exit("unknown operation " + op)
        try:
            OPS[op](client, model_id)
            emit({"op": op, "done": True})
        except EventStreamError as e:
            failed = True
            emit({"op": op, "error": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                  "inStream": True})
        except ClientError as e:
            failed = True
            emit({"op": op, "error": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                  "status": e.response["ResponseMetadata"]["HTTPStatusCode"]})
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
