#!/usr/bin/env python3
"""hf_bench.py - runs the Hugging Face Trainer baseline of ../shared/gpu/hf_reference.py
(`trainer-bench`) unchanged, and with --save-init DIR also saves the model's initial weights
(`save_pretrained`, right after the seeded random init, before any training) so that ftlab
can start from exactly the same weights (bench/gpu/run.sh passes DIR as model.checkpoint).

  python3 hf_bench.py --kit .gpu/kit [--save-init DIR] trainer-bench ARGS...

Runs on the GPU machine, where transformers is installed; here it is only linted.
"""
import argparse
import functools
import os
import sys


def main():
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--kit", required=True, help="folder holding hf_reference.py")
    ap.add_argument("--save-init", default="")
    args, rest = ap.parse_known_args()
    sys.path.insert(0, os.path.abspath(args.kit))
    import hf_reference as ref  # noqa: E402  (the shared reference, unmodified)

    if args.save_init:
        import transformers as tf

        target = args.save_init

        def save(model, how):
            if not os.path.exists(os.path.join(target, "model.safetensors")):
                ref.save_pretrained(model, target)
                ref.log(f"initial weights saved to {target} ({how})")

        # Patch the classes themselves (not module attributes, which a lazy module may bypass):
        # the model right after its seeded init, and, as a second hook, the model the Trainer
        # receives before it trains.
        cls = tf.RobertaForSequenceClassification
        model_init = cls.__init__

        @functools.wraps(model_init)  # keeps the signature: hf_reference inspects it
        def patched_model_init(self, config, *a, **kw):
            model_init(self, config, *a, **kw)
            if type(self) is cls:
                save(self, "after __init__")

        cls.__init__ = patched_model_init
        trainer_init = tf.Trainer.__init__

        @functools.wraps(trainer_init)
        def patched_trainer_init(self, *a, **kw):
            m = kw.get("model", a[0] if a else None)
            if m is not None:
                save(m, "given to Trainer")
            trainer_init(self, *a, **kw)

        tf.Trainer.__init__ = patched_trainer_init
    ref.main(rest)
    if args.save_init and not os.path.exists(os.path.join(args.save_init, "model.safetensors")):
        sys.exit(f"hf_bench: the initial weights were not saved to {args.save_init}")


if __name__ == "__main__":
    main()
