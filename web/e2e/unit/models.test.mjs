import { test } from "node:test";
import assert from "node:assert/strict";
import { LAB_MODEL, modelLabel, orderModels, pickModel } from "../../static/models.js";

const HAIKU = "anthropic.claude-3-5-haiku-20241022-v1:0";
const NOVA = "amazon.nova-lite-v1:0";

test("the lab's model is the default when listed, else the first listed", () => {
  assert.equal(LAB_MODEL, "anthropic.claude-3-sonnet-20240229-v1:0");
  const cases = [
    ["lab listed last", [NOVA, HAIKU, LAB_MODEL], {}, LAB_MODEL],
    ["lab not listed", [NOVA, HAIKU], {}, NOVA],
    ["only a profile of the lab's model", [NOVA, "us." + LAB_MODEL], {}, "us." + LAB_MODEL],
    ["a look-alike is not the lab's model", [NOVA, "x." + LAB_MODEL, LAB_MODEL + "-preview"], {}, NOVA],
    ["the URL wins", [NOVA, LAB_MODEL], { wanted: NOVA }, NOVA],
    ["the saved choice wins", [NOVA, HAIKU, LAB_MODEL], { saved: HAIKU }, HAIKU],
    ["an unlisted saved choice is ignored", [NOVA, LAB_MODEL], { saved: "gone.model-v1:0", wanted: "nope" }, LAB_MODEL],
    ["nothing listed", [], {}, null],
  ];
  for (const [name, ids, prefs, want] of cases) assert.equal(pickModel(ids, prefs), want, name);
});

test("the lab's model is listed first", () => {
  assert.deepEqual(orderModels([NOVA, HAIKU, LAB_MODEL]), [LAB_MODEL, NOVA, HAIKU]);
  assert.deepEqual(orderModels([NOVA, HAIKU]), [NOVA, HAIKU]);
});

test("labels drop the provider and name the region of a profile", () => {
  const cases = [
    [LAB_MODEL, "anthropic", "claude-3-sonnet-20240229-v1:0"],
    ["us.anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic", "claude-3-5-haiku-20241022-v1:0 (us)"],
    ["global.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic", "claude-sonnet-4-5-20250929-v1:0 (global)"],
    ["ai21.jamba-1-5-mini-v1:0", "ai21", "jamba-1-5-mini-v1:0"],
    ["llama3.2:3b", "", "llama3.2:3b"],
    ["arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-2-1b-instruct-v1:0", "",
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-2-1b-instruct-v1:0"],
    ["gpt-4o", "", "gpt-4o"],
  ];
  for (const [id, provider, label] of cases) assert.deepEqual(modelLabel(id), { provider, label }, id);
});
