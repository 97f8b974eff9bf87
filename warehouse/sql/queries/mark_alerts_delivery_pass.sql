-- This pass starts now (the transaction's start): alerts stored after it are new to the next pass.
INSERT INTO analysis_state VALUES ('alerts_delivery_pass', now())
ON CONFLICT (name) DO UPDATE SET value = excluded.value
