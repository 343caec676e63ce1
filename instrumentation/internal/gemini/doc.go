// Package gemini reads the bodies of the Gemini API and Vertex AI
// generateContent, streamGenerateContent (SSE or a JSON array) and
// embedContent calls into the neutral call model of llmcall.
//
// promptTokenCount already includes cached tokens; tool-use prompt tokens are
// added to the input total and thoughts to the output total.
package gemini
