# CountTokens through boto3, in both input forms, for one request; prints
# {"invokeModel": N, "converse": N} on stdout.
import json

import boto3

MODEL_ID = "anthropic.claude-3-sonnet-20240229-v1:0"
SYSTEM = "You are brief."
PROMPT = "Tell me a story about a lighthouse keeper."


def main():
    client = boto3.client("bedrock-runtime")
    body = json.dumps({
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 100,
        "system": SYSTEM,
        "messages": [{"role": "user", "content": [{"type": "text", "text": PROMPT}]}],
    })
    invoke = client.count_tokens(modelId=MODEL_ID, input={"invokeModel": {"body": body}})
    converse = client.count_tokens(modelId=MODEL_ID, input={"converse": {
        "system": [{"text": SYSTEM}],
        "messages": [{"role": "user", "content": [{"text": PROMPT}]}],
    }})
    print(json.dumps({"invokeModel": invoke["inputTokens"], "converse": converse["inputTokens"]}))


if __name__ == "__main__":
    main()
