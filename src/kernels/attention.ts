import { Dispatch, type Bindable, type GpuContext } from '../gpu/context';

interface Shape { B: number; T: number; C: number; H: number }

function dims(d: Dispatch, s: Shape): Dispatch {
  return d.setU32(0, s.B).setU32(1, s.T).setU32(2, s.C).setU32(3, s.H);
}

/** out (B*T, C) and att (B, H, T, T) from qkv (B*T, 3C); ids mask the padding. */
export function attentionForward(ctx: GpuContext, a: Shape & { qkv: Bindable; ids: Bindable; out: Bindable; att: Bindable }, label = 'attention_forward'): Dispatch {
  return dims(new Dispatch(ctx, label, ctx.pipeline('attention.wgsl', 'attention_forward'), 4, 0, [
    [1, a.qkv], [2, a.ids], [3, a.out], [4, a.att],
  ], [Math.ceil((a.B * a.H * a.T) / 64), 1, 1]), a);
}

/** dqkv (written) from dout; dS (B, H, T, T) is scratch. Two dispatches: queries, then keys/values. */
export function attentionBackward(ctx: GpuContext, a: Shape & { dout: Bindable; qkv: Bindable; att: Bindable; dS: Bindable; dqkv: Bindable }, label = 'attention_backward'): Dispatch[] {
  const bindings: [number, Bindable][] = [[5, a.dout], [6, a.qkv], [7, a.att], [8, a.dS], [9, a.dqkv]];
  const wg: [number, number, number] = [Math.ceil((a.B * a.H * a.T) / 64), 1, 1];
  return [
    dims(new Dispatch(ctx, `${label}.query`, ctx.pipeline('attention.wgsl', 'attention_backward_query'), 4, 0, bindings, wg), a),
    dims(new Dispatch(ctx, `${label}.keyvalue`, ctx.pipeline('attention.wgsl', 'attention_backward_keyvalue'), 4, 0, bindings, wg), a),
  ];
}
