/**
 * Float64 references of the knowledge-tracing model's own operation: binary
 * cross-entropy on one logit per position (shaders/loss.wgsl bce_logits_loss).
 */
import { sigmoid, softplus, type Vec } from './ops';

type Arr = ArrayLike<number>;

/**
 * labels (R): 0 or 1, or -1 where there is no loss. losses[r] = softplus(z) - y z;
 * dz[r] = (sigmoid(z) - y) / nValid, 0 where there is no label.
 */
export function bceLogitsLoss(z: Arr, labels: Arr, R: number, nValid: number, losses: Vec, dz: Vec): void {
  const inv = nValid > 0 ? 1 / nValid : 0;
  for (let r = 0; r < R; r++) {
    const y = labels[r];
    if (y < 0) {
      losses[r] = 0;
      dz[r] = 0;
      continue;
    }
    losses[r] = softplus(z[r]) - y * z[r];
    dz[r] = (sigmoid(z[r]) - y) * inv;
  }
}
