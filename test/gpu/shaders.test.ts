import { describe, expect, it } from 'vitest';
import { gpuContext } from '../support/gpu';

const entries: [string, string][] = [
  ['matmul.wgsl', 'matmul'],
  ['matmul.wgsl', 'matmul_direct'],
  ['matmul.wgsl', 'colsum'],
  ['matmul.wgsl', 'colsum_direct'],
  ['layernorm.wgsl', 'layernorm_forward'],
  ['layernorm.wgsl', 'layernorm_backward'],
  ['layernorm.wgsl', 'layernorm_backward_params'],
  ['layernorm.wgsl', 'layernorm_backward_params_direct'],
  ['elementwise.wgsl', 'gelu_forward'],
  ['elementwise.wgsl', 'gelu_backward'],
  ['elementwise.wgsl', 'residual_dropout_forward'],
  ['elementwise.wgsl', 'dropout_backward'],
  ['embedding.wgsl', 'embed_forward'],
  ['embedding.wgsl', 'embed_backward'],
  ['embedding.wgsl', 'segment_sum'],
  ['attention.wgsl', 'attention_forward'],
  ['attention.wgsl', 'attention_backward_query'],
  ['attention.wgsl', 'attention_backward_keyvalue'],
  ['attention.wgsl', 'causal_softmax'],
  ['attention.wgsl', 'causal_softmax_backward'],
  ['loss.wgsl', 'bce_loss'],
  ['loss.wgsl', 'softmax_ce_loss'],
  ['adamw.wgsl', 'adamw_step'],
  ['score.wgsl', 'score_items'],
  ['score.wgsl', 'topk'],
];

describe('every WGSL entry point compiles into a compute pipeline', () => {
  for (const [file, entry] of entries) {
    it(`${file}:${entry}`, async () => {
      const ctx = await gpuContext();
      const variants: Record<string, number>[] =
        file === 'matmul.wgsl' && entry.startsWith('matmul')
          ? [
              { TRANS_A: 0, TRANS_B: 0 },
              { TRANS_A: 1, TRANS_B: 0 },
              { TRANS_A: 0, TRANS_B: 1 },
            ]
          : [{}];
      for (const constants of variants) {
        const info = await ctx.module(file).getCompilationInfo();
        const errors = info.messages.filter((m) => m.type === 'error').map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
        expect(errors).toEqual([]);
        await ctx.checkErrors(() => ctx.pipeline(file, entry, constants));
      }
    });
  }
});
