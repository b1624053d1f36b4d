"""Make the Hugging Face transformers reference fixtures for HuggingFaceReferenceTest.

What it makes, under safety-core/src/test/resources/hf-reference/<model>/:

- config.json, generation_config.json, model.safetensors: a small random model saved by
  transformers' save_pretrained (float32, except llama-gqa-bf16, which holds the weights of
  llama-gqa rounded to bfloat16 and saved as bfloat16).
- reference.safetensors: what transformers computes for one left-padded batch of three prompts.
  Integer tensors (I64): input_ids and attention_mask (B, T), generated (B, T + 8) holding the
  padded prompts and 8 greedy tokens. Float32 tensors, packed over the real (non-padding)
  positions in row-major order, N rows in all: logits (N, V); hidden_states.<i> (N, D) for
  i = 0 .. num_hidden_layers as transformers returns them with output_hidden_states=True (entry 0
  is the embedding output, entry i the output of layer i - 1, and the last entry has the final
  RMSNorm applied); last_layer_output (N, D), the output of the last layer before the final norm,
  taken with a forward hook because transformers returns it only normed.
- reference.json: the same prompts and generated ids as readable lists, with the versions and
  seed used, and the smallest gap between the best and second-best logit over all greedy steps.

Models (seeded random weights, no download):

- llama-gqa: Llama, 4 query heads sharing 2 key/value heads, untied output head, rope_theta
  500000 with llama3 rope scaling whose bands keep frequency 0 of head_dim 8, blend frequency 1
  and divide frequencies 2 and 3.
- llama-gqa-bf16: the same weights rounded to bfloat16. Its reference is transformers run on
  the saved bf16 file loaded with dtype=float32, which is what a reader that upcasts bf16 on load
  must match.
- qwen2-tied: Qwen2 (query/key/value biases), 4 query heads sharing 1 key/value head, tied
  embedding and output head.
- llama-bias: Llama with attention_bias and mlp_bias, 4 heads and 4 key/value heads, and a
  head_dim of 12, so the attention width (48) differs from hidden_size (32).

Weights are drawn with a fixed torch seed and scaled well above transformers' usual init
(matrices with std 0.5, norm weights 1 + N(0, 0.2^2)) so that logits are far from uniform and
each greedy choice wins by a clear margin. The script checks that margin, and that the padded
batch gives the same logits and tokens as each prompt run alone.

Generated with torch 2.13.0+cpu and transformers 5.18.0 (eager attention, float32, CPU). To
rerun from the repository root, in a Python environment with those packages:

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 python safety-core/src/test/python/make_hf_reference.py

It overwrites the fixture folders. Another torch or transformers version may change the numbers in
the last digits but must not change the generated ids; commit the new files only after the Java
test passes on them.
"""

import json
import os
import pathlib
import shutil

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import safetensors.torch  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM  # noqa: E402

OUTPUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "hf-reference"
# One seed per model, picked as the first of a few tried whose greedy margins (float32 and, for
# llama-gqa, bfloat16) clear MIN_GREEDY_MARGIN.
SEEDS = {"llama-gqa": 20240619, "qwen2-tied": 20240616, "llama-bias": 20240618}
MAX_NEW_TOKENS = 8
PAD_ID = 0
MATRIX_STD = 0.5
NORM_STD = 0.2
BIAS_STD = 0.2
# Greedy choices closer than this could flip under float32 rounding in another implementation,
# whose logits differ from these by about 1e-5.
MIN_GREEDY_MARGIN = 2e-2
# Three prompts of different lengths, not sorted by length, so that the Java generator's reordering
# is exercised too. Ids are arbitrary but below every model's vocabulary size.
PROMPTS = [
    [1, 17, 42, 5, 88],
    [1, 63, 9, 30, 71, 4, 26],
    [1, 50],
]


def llama_gqa_config():
    # head_dim 8 has inverse frequencies theta^(-i/4): wavelengths of about 6.3, 167, 4443 and
    # 118000 positions at theta 500000. With original_max_position_embeddings 256, the llama3
    # bands are 256 / 4 = 64 and 256 / 1 = 256, so frequency 0 is kept, 1 is blended, 2 and 3
    # are divided by the factor.
    return LlamaConfig(
        vocab_size=96, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, head_dim=8, rms_norm_eps=1e-5,
        max_position_embeddings=1024, tie_word_embeddings=False, bos_token_id=1, eos_token_id=2,
        rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0,
                         "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                         "original_max_position_embeddings": 256},
    )


def qwen2_tied_config():
    return Qwen2Config(
        vocab_size=96, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=1, rms_norm_eps=1e-6,
        max_position_embeddings=1024, tie_word_embeddings=True, use_sliding_window=False,
        bos_token_id=1, eos_token_id=2, rope_parameters={"rope_type": "default", "rope_theta": 1000000.0},
    )


def llama_bias_config():
    return LlamaConfig(
        vocab_size=96, hidden_size=32, intermediate_size=40, num_hidden_layers=3,
        num_attention_heads=4, num_key_value_heads=4, head_dim=12, rms_norm_eps=1e-6,
        max_position_embeddings=1024, tie_word_embeddings=False, attention_bias=True, mlp_bias=True,
        bos_token_id=1, eos_token_id=2, rope_parameters={"rope_type": "default", "rope_theta": 20000.0},
    )


def randomize(model, seed):
    """Overwrite every parameter with seeded draws, independent of transformers' own init."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            noise = torch.randn(parameter.shape, generator=generator, dtype=torch.float32)
            if name.endswith("norm.weight"):
                parameter.copy_(1.0 + NORM_STD * noise)
            elif name.endswith(".bias"):
                parameter.copy_(BIAS_STD * noise)
            else:
                parameter.copy_(MATRIX_STD * noise)


def padded_batch(prompts):
    """Left-pad the prompts to one length, as transformers batches them for generation."""
    length = max(len(p) for p in prompts)
    input_ids = torch.full((len(prompts), length), PAD_ID, dtype=torch.long)
    attention_mask = torch.zeros((len(prompts), length), dtype=torch.long)
    for row, prompt in enumerate(prompts):
        input_ids[row, length - len(prompt):] = torch.tensor(prompt)
        attention_mask[row, length - len(prompt):] = 1
    return input_ids, attention_mask


def positions_from_mask(attention_mask):
    # The same rule transformers' generate uses for left padding: real tokens count from 0.
    return (attention_mask.cumsum(-1) - 1).masked_fill(attention_mask == 0, 0)


def run_forward(model, input_ids, attention_mask):
    """Return logits, transformers' hidden states and the last layer's output before the norm."""
    captured = {}

    def hook(module, inputs, output):
        captured["last"] = output[0] if isinstance(output, tuple) else output

    handle = model.model.layers[-1].register_forward_hook(hook)
    try:
        with torch.no_grad():
            out = model(input_ids=input_ids, attention_mask=attention_mask,
                        position_ids=positions_from_mask(attention_mask), output_hidden_states=True)
    finally:
        handle.remove()
    return out.logits, out.hidden_states, captured["last"]


def greedy(model, input_ids, attention_mask):
    # eos_token_id None: no row stops early, so every row has exactly MAX_NEW_TOKENS new tokens.
    config = GenerationConfig(max_new_tokens=MAX_NEW_TOKENS, do_sample=False, eos_token_id=None,
                              pad_token_id=PAD_ID, bos_token_id=None, output_logits=True,
                              return_dict_in_generate=True)
    with torch.no_grad():
        out = model.generate(input_ids=input_ids, attention_mask=attention_mask, generation_config=config)
    logits = torch.stack(out.logits, dim=1)  # (B, new, V)
    top2 = logits.topk(2, dim=-1).values
    margin = (top2[..., 0] - top2[..., 1]).min().item()
    return out.sequences, margin


def pack(tensor, attention_mask):
    """Keep the rows of real positions, in row-major order: (B, T, X) -> (N, X)."""
    return tensor[attention_mask.bool()].contiguous().to(torch.float32)


def check_padding_invariance(model, prompts, logits, sequences, attention_mask):
    """Check that transformers itself treats the padded batch like each prompt alone."""
    packed = pack(logits, attention_mask)
    offset = 0
    worst = 0.0
    for row, prompt in enumerate(prompts):
        ids = torch.tensor([prompt])
        mask = torch.ones_like(ids)
        alone, _, _ = run_forward(model, ids, mask)
        worst = max(worst, (alone[0] - packed[offset:offset + len(prompt)]).abs().max().item())
        offset += len(prompt)
        alone_tokens, _ = greedy(model, ids, mask)
        if alone_tokens[0, len(prompt):].tolist() != sequences[row, -MAX_NEW_TOKENS:].tolist():
            raise SystemExit(f"prompt {row}: batched greedy tokens differ from the prompt alone")
    if worst > 1e-4:
        raise SystemExit(f"padded-batch logits differ from single-prompt logits by {worst}")
    return worst


def write_reference(model, name, seed, note):
    directory = OUTPUT / name
    input_ids, attention_mask = padded_batch(PROMPTS)
    logits, hidden_states, last_layer_output = run_forward(model, input_ids, attention_mask)
    sequences, margin = greedy(model, input_ids, attention_mask)
    if margin < MIN_GREEDY_MARGIN:
        raise SystemExit(f"{name}: greedy margin {margin} is below {MIN_GREEDY_MARGIN}; change the seed")
    padding_difference = check_padding_invariance(model, PROMPTS, logits, sequences, attention_mask)

    tensors = {
        "input_ids": input_ids.contiguous(),
        "attention_mask": attention_mask.contiguous(),
        "generated": sequences.contiguous(),
        "logits": pack(logits, attention_mask),
        "last_layer_output": pack(last_layer_output, attention_mask),
    }
    for index, state in enumerate(hidden_states):
        tensors[f"hidden_states.{index}"] = pack(state, attention_mask)
    # No __metadata__: safetensors writes its keys in a varying order, and without them a rerun gives
    # identical bytes. The versions and seed go into reference.json instead.
    safetensors.torch.save_file(tensors, str(directory / "reference.safetensors"))

    summary = {
        "note": note,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "seed": seed,
        "prompts": PROMPTS,
        "pad_id": PAD_ID,
        "input_ids": input_ids.tolist(),
        "attention_mask": attention_mask.tolist(),
        "new_tokens": sequences[:, input_ids.shape[1]:].tolist(),
        "min_greedy_margin": round(margin, 6),
        "max_padding_logit_difference": padding_difference,
    }
    # One field per line, lists kept on their line, so the ids read as rows.
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}" for key, value in summary.items()]
    (directory / "reference.json").write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"{name}: margin {margin:.4f}, padding difference {padding_difference:.2e}, "
          f"new tokens {summary['new_tokens']}")


def make(name, model_class, config, note):
    seed = SEEDS[name]
    torch.manual_seed(seed)
    model = model_class(config)
    randomize(model, seed)
    model.eval()
    save(model, name)
    write_reference(model, name, seed, note)
    return model


def save(model, name):
    directory = OUTPUT / name
    if directory.exists():
        shutil.rmtree(directory)
    model.save_pretrained(directory, safe_serialization=True)


def make_bf16_copy(model, name, seed, note):
    save(model.to(torch.bfloat16), name)
    # The reference loads the saved bf16 weights upcast to float32, as a reader that upcasts bf16 on
    # load does. Running the converted module instead would also round the rotary inv_freq buffer
    # to bf16, which changes hidden states by about 3e-3.
    upcast = type(model).from_pretrained(OUTPUT / name, dtype=torch.float32, attn_implementation="eager")
    upcast.eval()
    write_reference(upcast, name, seed, note)


def eager(config):
    # The plainest attention code path in transformers: softmax(QK^T / sqrt(d) + mask) V.
    config._attn_implementation = "eager"
    return config


def main():
    torch.set_num_threads(1)
    llama_gqa = make("llama-gqa", LlamaForCausalLM, eager(llama_gqa_config()),
                     "Llama, grouped-query attention, llama3 rope scaling, untied head")
    make_bf16_copy(llama_gqa, "llama-gqa-bf16", SEEDS["llama-gqa"],
                   "llama-gqa rounded to bfloat16; reference computed in float32 on the rounded weights")
    make("qwen2-tied", Qwen2ForCausalLM, eager(qwen2_tied_config()),
         "Qwen2, query/key/value biases, one key/value head, tied embeddings")
    make("llama-bias", LlamaForCausalLM, eager(llama_bias_config()),
         "Llama, attention_bias and mlp_bias, head_dim 12 with hidden_size 32")
    total = sum(f.stat().st_size for f in OUTPUT.rglob("*") if f.is_file())
    print(f"total fixture size: {total} bytes")


if __name__ == "__main__":
    main()
