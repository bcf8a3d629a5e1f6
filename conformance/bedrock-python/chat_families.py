# InvokeModelWithResponseStream and ConverseStream through boto3 for one
# model: argv[1] is the model ID, argv[2] the InvokeModel body. Prints one
# JSON line per IMWRS chunk ({"chunk": <the chunk's JSON>}), then one line
# with the ConverseStream answer ({"converse": text, "stop": reason}).
import json
import sys

import boto3
from botocore.config import Config


def main():
    model_id, body = sys.argv[1], sys.argv[2]
    client = boto3.client(
        "bedrock-runtime", config=Config(retries={"max_attempts": 0, "mode": "standard"})
    )
    response = client.invoke_model_with_response_stream(modelId=model_id, body=body)
    for event in response["body"]:
        chunk = event["chunk"]["bytes"]
        print(json.dumps({"chunk": json.loads(chunk)}), flush=True)
    response = client.converse_stream(
        modelId=model_id,
        messages=[{"role": "user", "content": [{"text": "Tell me a story."}]}],
        inferenceConfig={"maxTokens": 40},
    )
    text, stop = "", ""
    for event in response["stream"]:
        if "contentBlockDelta" in event:
            text += event["contentBlockDelta"]["delta"].get("text", "")
        elif "messageStop" in event:
            stop = event["messageStop"]["stopReason"]
    print(json.dumps({"converse": text, "stop": stop}), flush=True)


if __name__ == "__main__":
    main()
