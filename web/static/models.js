// Which model the page offers first and how it names models in the picker.

/** The workshop lab's model: the page's default when the server lists it. */
export const LAB_MODEL = "anthropic.claude-3-sonnet-20240229-v1:0";

// Prefixes of Bedrock's cross-region inference profiles ("us.anthropic.…").
const REGIONS = new Set(["us", "eu", "apac", "jp", "au", "ca", "us-gov", "global"]);

/**
 * Splits a Bedrock model ID into the provider the picker groups it under
 * and the shorter label it shows: "us.anthropic.claude-3-5-haiku-…" is
 * "claude-3-5-haiku-… (us)" under "anthropic". An ID without a provider
 * prefix (an ARN, a local model's name such as "llama3.2:3b") is its own
 * label.
 */
export function modelLabel(id) {
  const parts = id.split(".");
  if (parts.length >= 3 && REGIONS.has(parts[0])) {
    return { provider: parts[1], label: `${parts.slice(2).join(".")} (${parts[0]})` };
  }
  const rest = parts.slice(1).join(".");
  if (parts.length >= 2 && /^[a-z][a-z0-9-]*$/.test(parts[0]) && /^[a-z]/i.test(rest)) {
    return { provider: parts[0], label: rest };
  }
  return { provider: "", label: id };
}

/** The lab's model (or a regional profile of it) if listed, else null. */
function labModel(ids) {
  if (ids.includes(LAB_MODEL)) return LAB_MODEL;
  return ids.find((id) => id.endsWith("." + LAB_MODEL) && REGIONS.has(id.slice(0, id.indexOf(".")))) ?? null;
}

/** ids in the server's order, with the lab's model moved to the front. */
export function orderModels(ids) {
  const lab = labModel(ids);
  return lab ? [lab, ...ids.filter((id) => id !== lab)] : ids.slice();
}

/**
 * The model to select: the one the URL asks for, else the person's last
 * choice, else the lab's model, else the first the server lists; each only
 * if the server lists it.
 * @param {string[]} ids in the server's order
 * @param {{wanted?: string | null, saved?: string | null}} prefs
 */
export function pickModel(ids, { wanted = null, saved = null } = {}) {
  for (const id of [wanted, saved]) if (id && ids.includes(id)) return id;
  return labModel(ids) ?? ids[0] ?? null;
}
