# ConverseStream through boto3, one JSON line per event on stdout, flushed
# as each arrives. An optional argument injects a builtin-model fault
# (X-Rockstream-Fault) to check how errors surface.
import json
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EventStreamError

MODEL_ID = "anthropic.claude-3-sonnet-20240229-v1:0"


def emit(obj):
    obj["t"] = time.time()
    print(json.dumps(obj), flush=True)


def main():
    client = boto3.client(
        "bedrock-runtime", config=Config(retries={"max_attempts": 0, "mode": "standard"})
    )
    if len(sys.argv) > 1:
        fault = sys.argv[1]

        def add_fault(request, **_):
            request.headers["X-Rockstream-Fault"] = fault

        client.meta.events.register("before-sign.bedrock-runtime.ConverseStream", add_fault)
    try:
        response = client.converse_stream(
            modelId=MODEL_ID,
            messages=[{"role": "user", "content": [{"text": "Tell me a story about a lighthouse keeper."}]}],
            inferenceConfig={"maxTokens": 60, "temperature": 0},
        )
        for event in response["stream"]:
            (name, value), = event.items()
            line = {"event": name}
            if name == "contentBlockDelta":
                line["text"] = value["delta"].get("text", "")
            elif name == "messageStop":
                line["stopReason"] = value["stopReason"]
            elif name == "metadata":
                line["outputTokens"] = value["usage"]["outputTokens"]
            emit(line)
    except EventStreamError as e:
        emit({"error": e.response["Error"]["Code"], "message": e.response["Error"]["Message"], "inStream": True})
        return
    except ClientError as e:
        emit({"error": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
              "status": e.response["ResponseMetadata"]["HTTPStatusCode"]})
        return
    emit({"done": True})


if __name__ == "__main__":
    main()
