// Package gatewaygo checks that the official Go SDKs of OpenAI and
// Anthropic stream from rockstream's gateway unchanged. It is a module of
// its own so that rockstream itself does not depend on those SDKs; its
// tests start the server in-process.
package gatewaygo
