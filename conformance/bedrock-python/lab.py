# The workshop lab: stream a Claude answer from Amazon Bedrock and print
# each piece of text as it arrives. rockstream's conformance tests run it
# unchanged against the local runtime, changing only the environment
# (AWS_ENDPOINT_URL_BEDROCK_RUNTIME, AWS_DEFAULT_REGION, dummy credentials).
import json

import boto3

bedrock_runtime = boto3.client(service_name="bedrock-runtime")

MODEL_ID = "anthropic.claude-3-sonnet-20240229-v1:0"


def stream_claude(prompt, callback):
    body = json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 8000,
            "temperature": 0,
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": prompt}]}
            ],
        }
    )
    response = bedrock_runtime.invoke_model_with_response_stream(
        modelId=MODEL_ID, body=body
    )
    for event in response.get("body"):
        chunk = json.loads(event["chunk"]["bytes"])
        if chunk["type"] == "content_block_delta":
            if chunk["delta"]["type"] == "text_delta":
                callback(chunk["delta"]["text"])


def print_text(text):
    print(text, end="", flush=True)


if __name__ == "__main__":
    stream_claude("Tell me a story about a lighthouse keeper.", print_text)
    print()
