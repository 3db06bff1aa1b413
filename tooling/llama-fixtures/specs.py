"""The tiny Llama-family fixture models: vocabulary, config.json, tokenizer files, weight dtype and the test case.

Every model has 2 layers and a word-level vocabulary; the sizes are chosen so that each feature of its family is
active on a short input (grouped-query attention, rope scaling, sliding windows, soft-capping, q/k norms, biases).
"""

WORDS = [
    "the", "capital", "of", "france", "is", "paris", "what", "a", "city", "in", "europe", "and", "it", "has",
    "many", "people", "you", "are", "helpful", "assistant", "answer", "question", "briefly", "please", "tell",
    "me", "about", "river", "seine", "flows", "through", "yes", "no", "i", "think", "so", "this", "that", "which",
    "big", "small", "old", "new", "very", "beautiful", "system", "user", "model", "hello", "world",
    ".", ",", "?", "!", ":",
]

LLAMA_SPECIALS = ["<unk>", "<s>", "</s>"]
CHATML_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<unk>"]
GEMMA_SPECIALS = ["<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>"]

GEMMA_TEMPLATE = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
    "{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}"
    "{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}"
)
CHATML_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

GEMMA_CHAT_INPUT = "<bos><start_of_turn>user\nwhat is the capital of france ?<end_of_turn>\n<start_of_turn>model\n"
CHATML_CHAT_INPUT = (
    "<|im_start|>system\nyou are a helpful assistant .<|im_end|>\n"
    "<|im_start|>user\nwhat is the capital of france ?<|im_end|>\n<|im_start|>assistant\n"
)


def _llama_tokenizer_config():
    return {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "add_bos_token": True, "add_eos_token": False,
            "tokenizer_class": "LlamaTokenizer", "model_max_length": 64}


def _base(model_type, arch, **kw):
    cfg = {
        "architectures": [arch], "model_type": model_type, "vocab_size": None, "hidden_size": 32,
        "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "hidden_act": "silu",
        "initializer_range": 0.02, "torch_dtype": "float32", "use_cache": True,
    }
    cfg.update(kw)
    return cfg


MODELS = {
    # Llama 3.x layout: llama3 rope scaling, untied LM head, attention and MLP biases.
    "llama": {
        "specials": LLAMA_SPECIALS, "add_bos": "<s>", "dtype": "F32",
        "config": _base("llama", "LlamaForCausalLM", bos_token_id=1, eos_token_id=2, tie_word_embeddings=False,
                        attention_bias=True, mlp_bias=True, rope_theta=10000.0,
                        rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                      "high_freq_factor": 4.0, "original_max_position_embeddings": 16}),
        "tokenizer_config": _llama_tokenizer_config(),
        "case": {"input_text": "the capital of france is", "greedy": 4},
    },
    # Dynamic NTK scaling: the case runs past max_position_embeddings = 8, where the rope base grows.
    "llama-dynamic": {
        "specials": LLAMA_SPECIALS, "add_bos": "<s>", "dtype": "F32",
        "config": _base("llama", "LlamaForCausalLM", bos_token_id=1, eos_token_id=2, tie_word_embeddings=False,
                        num_key_value_heads=4, max_position_embeddings=8,
                        rope_scaling={"type": "dynamic", "factor": 2.0}),
        "tokenizer_config": _llama_tokenizer_config(),
        "case": {"input_text": "the capital of france is paris .", "greedy": 4},
    },
    # SmolLM2 layout (model_type llama): tied embeddings, multi-query attention, linear rope scaling, BF16 weights,
    # ChatML template, no BOS added by the tokenizer.
    "smollm": {
        "specials": CHATML_SPECIALS, "add_bos": None, "dtype": "BF16",
        "config": _base("llama", "LlamaForCausalLM", bos_token_id=1, eos_token_id=2, pad_token_id=2,
                        tie_word_embeddings=True, num_key_value_heads=1, rope_theta=100000.0,
                        rope_scaling={"rope_type": "linear", "factor": 2.0}, torch_dtype="bfloat16"),
        "tokenizer_config": {"bos_token": "<|im_start|>", "eos_token": "<|im_end|>", "pad_token": "<|im_end|>",
                             "unk_token": "<|endoftext|>", "tokenizer_class": "GPT2Tokenizer", "model_max_length": 64,
                             "chat_template": CHATML_TEMPLATE},
        "case": {"input_text": CHATML_CHAT_INPUT, "greedy": 3, "answer_suffix": "<|im_end|>\n",
                 "messages": [{"role": "system", "content": "you are a helpful assistant ."},
                              {"role": "user", "content": "what is the capital of france ?"}]},
    },
    # Mistral: sliding-window attention (window 4 on every layer), F16 weights.
    "mistral": {
        "specials": LLAMA_SPECIALS, "add_bos": "<s>", "dtype": "F16",
        "config": _base("mistral", "MistralForCausalLM", bos_token_id=1, eos_token_id=2, tie_word_embeddings=False,
                        sliding_window=4, rope_theta=1000000.0, torch_dtype="float16"),
        "tokenizer_config": _llama_tokenizer_config(),
        "case": {"input_text": "hello world . what is the capital of france ?", "greedy": 3},
    },
    # Qwen2: q/k/v biases (no o_proj bias), tied embeddings, BF16 weights, no BOS.
    "qwen2": {
        "specials": CHATML_SPECIALS, "add_bos": None, "dtype": "BF16",
        "config": _base("qwen2", "Qwen2ForCausalLM", bos_token_id=0, eos_token_id=0, tie_word_embeddings=True,
                        rope_theta=1000000.0, sliding_window=32, use_sliding_window=False, max_window_layers=2,
                        torch_dtype="bfloat16"),
        "tokenizer_config": {"eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>", "bos_token": None,
                             "tokenizer_class": "Qwen2Tokenizer", "model_max_length": 64},
        "case": {"input_text": "the river seine flows through", "greedy": 3},
    },
    # Qwen3: per-head q/k RMSNorm, head_dim (16) ≠ hidden / heads (8), eos_token_id given as a list.
    "qwen3": {
        "specials": CHATML_SPECIALS, "add_bos": None, "dtype": "F32",
        "config": _base("qwen3", "Qwen3ForCausalLM", bos_token_id=0, eos_token_id=[2, 0], tie_word_embeddings=True,
                        head_dim=16, attention_bias=False, rope_theta=1000000.0, sliding_window=None,
                        use_sliding_window=False, max_window_layers=2),
        "tokenizer_config": {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "bos_token": None,
                             "tokenizer_class": "Qwen2Tokenizer", "model_max_length": 64},
        "case": {"input_text": "what is the capital of france ?", "greedy": 3},
    },
    # Gemma: √hidden embedding scale, (1 + w) RMSNorm, GELU-tanh, head_dim 16, multi-query attention, BF16 weights,
    # chat template starting with the BOS token that the tokenizer also adds.
    "gemma": {
        "specials": GEMMA_SPECIALS, "add_bos": "<bos>", "dtype": "BF16",
        "config": _base("gemma", "GemmaForCausalLM", bos_token_id=2, eos_token_id=1, pad_token_id=0,
                        tie_word_embeddings=True, num_key_value_heads=1, head_dim=16, intermediate_size=64,
                        hidden_act="gelu", hidden_activation="gelu_pytorch_tanh", torch_dtype="bfloat16"),
        "tokenizer_config": {"bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>", "unk_token": "<unk>",
                             "add_bos_token": True, "tokenizer_class": "GemmaTokenizer", "model_max_length": 64,
                             "additional_special_tokens": ["<start_of_turn>", "<end_of_turn>"],
                             "chat_template": GEMMA_TEMPLATE},
        "case": {"input_text": GEMMA_CHAT_INPUT, "greedy": 3, "answer_suffix": "<end_of_turn>\n",
                 "messages": [{"role": "user", "content": "what is the capital of france ?"}]},
    },
    # Gemma 2: attention-logit and final-logit soft-capping, query_pre_attn_scalar (24 ≠ head_dim 16), sandwich norms,
    # sliding window 3 on even layers.
    "gemma2": {
        "specials": GEMMA_SPECIALS, "add_bos": "<bos>", "dtype": "F32",
        "config": _base("gemma2", "Gemma2ForCausalLM", bos_token_id=2, eos_token_id=1, pad_token_id=0,
                        tie_word_embeddings=True, head_dim=16, intermediate_size=64, hidden_act="gelu_pytorch_tanh",
                        hidden_activation="gelu_pytorch_tanh", query_pre_attn_scalar=24, sliding_window=3,
                        attn_logit_softcapping=2.0, final_logit_softcapping=3.0, attention_bias=False),
        "tokenizer_config": {"bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>", "unk_token": "<unk>",
                             "add_bos_token": True, "tokenizer_class": "GemmaTokenizer", "model_max_length": 64,
                             "additional_special_tokens": ["<start_of_turn>", "<end_of_turn>"]},
        "case": {"input_text": "the capital of france is", "greedy": 4},
    },
}


def vocabulary(spec):
    """Token list (id = index): the family's special tokens, then the words."""
    return spec["specials"] + WORDS
