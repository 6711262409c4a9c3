// Model Selector provider factory: the SDK-backed provider for a name, with its host and key from settings.
import { createGeminiProvider } from './gemini.js';
import { createOllamaProvider } from './ollama.js';
import { createOpenAiProvider } from './openai.js';
import type { Provider, ProviderName, ProviderSettings } from './provider.js';

/** The router never asks for a cloud provider without a key; replay never calls one, so an empty key is fine. */
export function createProvider(name: ProviderName, settings: ProviderSettings): Provider {
  switch (name) {
    case 'ollama':
      return createOllamaProvider(settings.ollama);
    case 'openai':
      return createOpenAiProvider({ baseUrl: settings.openai.baseUrl, apiKey: settings.openai.apiKey ?? '' });
    case 'gemini':
      return createGeminiProvider({ baseUrl: settings.gemini.baseUrl, apiKey: settings.gemini.apiKey ?? '' });
  }
}
