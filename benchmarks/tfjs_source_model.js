/*
 * The source's variational network in TensorFlow.js, for benchmarks/playground.py:
 * the same two 1-40-20-10-1 ReLU heads, reparameterised sample and negative ELBO
 * as the playground's SourceModel (vi_playground_core.js), trained full-batch with
 * tf.train.adam. Only the speed is compared; the playground's numbers are proved
 * against PyTorch by tests/js/parity.test.js.
 *
 * window.tfjsEpochsPerSecond(backend, x, y, epochs) -> Promise of
 *   {backend, epochs, seconds, loss} (or {backend, error} when the backend fails).
 */
(function () {
  'use strict';

  function head(tf) {
    var sizes = [1, 40, 20, 10, 1], vars = [];
    for (var l = 0; l < sizes.length - 1; l++) {
      var bound = 1 / Math.sqrt(sizes[l]); // torch's default init range
      vars.push(tf.variable(tf.randomUniform([sizes[l], sizes[l + 1]], -bound, bound)));
      vars.push(tf.variable(tf.randomUniform([sizes[l + 1]], -bound, bound)));
    }
    return {
      vars: vars,
      apply: function (x) {
        var h = x;
        for (var l = 0; l < vars.length; l += 2) {
          h = tf.add(tf.matMul(h, vars[l]), vars[l + 1]);
          if (l < vars.length - 2) h = tf.relu(h);
        }
        return h;
      },
    };
  }

  function gaussLL(tf, y, mu, logVar) { // log N(y; mu, e^logVar)
    return tf.sub(tf.mul(-0.5, tf.add(Math.log(2 * Math.PI), logVar)),
      tf.div(tf.square(tf.sub(y, mu)), tf.mul(2, tf.exp(logVar))));
  }

  window.tfjsEpochsPerSecond = async function (backend, xs, ys, epochs) {
    var tf = window.tf;
    try {
      if (!(await tf.setBackend(backend))) throw new Error('setBackend returned false');
      await tf.ready();
    } catch (err) {
      return { backend: backend, error: String(err && err.message || err) };
    }
    var x = tf.tensor2d(xs, [xs.length, 1]), y = tf.tensor2d(ys, [ys.length, 1]);
    var m = ys.reduce(function (a, b) { return a + b; }, 0) / ys.length;
    var P = ys.reduce(function (a, b) { return a + (b - m) * (b - m); }, 0) / (ys.length - 1);
    var logP = Math.log(P);
    var muNet = head(tf), logVarNet = head(tf);
    var optimizer = tf.train.adam(1e-3);
    function loss() {
      var mu = muNet.apply(x), logVar = logVarNet.apply(x);
      var sigma = tf.add(tf.exp(tf.mul(0.5, logVar)), 1e-5);
      var sample = tf.add(mu, tf.mul(sigma, tf.randomNormal(mu.shape)));
      var bracket = tf.sub(tf.add(gaussLL(tf, y, mu, logVar), gaussLL(tf, sample, m, logP)),
        gaussLL(tf, sample, mu, logVar));
      return tf.neg(tf.mean(bracket));
    }
    var vars = muNet.vars.concat(logVarNet.vars);
    optimizer.minimize(loss, false, vars); // one warm-up step (kernels, compilation)
    var start = performance.now(), last = null;
    for (var e = 0; e < epochs; e++) {
      if (last) last.dispose();
      last = optimizer.minimize(loss, true, vars);
    }
    var value = (await last.data())[0];
    var seconds = (performance.now() - start) / 1000;
    return { backend: backend, epochs: epochs, seconds: seconds, loss: value };
  };
})();
