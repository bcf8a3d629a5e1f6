# ApplyGuardrail through boto3 against guardrail gr-test (defined in the
# server's rule file): one JSON line per call on stdout with the action,
# the output texts and the policies that found something, then one line for
# an unknown guardrail with the error code and HTTP status.
import json

import boto3
from botocore.exceptions import ClientError

CALLS = [
    ("INPUT", "Which stocks should I buy this year?"),
    ("OUTPUT", "Write to jo@example.org for details."),
    ("INPUT", "Tell me about lighthouses."),
]


def policies(assessment):
    return sorted(k for k in assessment if k.endswith("Policy"))


def main():
    client = boto3.client("bedrock-runtime")
    for source, text in CALLS:
        out = client.apply_guardrail(
            guardrailIdentifier="gr-test",
            guardrailVersion="DRAFT",
            source=source,
            content=[{"text": {"text": text}}],
        )
        print(json.dumps({
            "action": out["action"],
            "outputs": [o["text"] for o in out["outputs"]],
            "policies": [p for a in out["assessments"] for p in policies(a)],
            "topicUnits": out["usage"]["topicPolicyUnits"],
        }), flush=True)
    try:
        client.apply_guardrail(guardrailIdentifier="gr-missing", guardrailVersion="1",
                               source="INPUT", content=[{"text": {"text": "x"}}])
        print(json.dumps({"error": None}))
    except ClientError as e:
        print(json.dumps({"error": e.response["Error"]["Code"],
                          "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}))


if __name__ == "__main__":
    main()
