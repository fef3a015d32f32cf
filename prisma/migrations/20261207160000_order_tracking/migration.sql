-- Issue 22 point 4: "Mark shipped" records the carrier and tracking number. The link is built from the carrier's
-- template when the order is read (ADR 036); only "other" stores a merchant-given link, which must be https.
ALTER TABLE orders
  ADD COLUMN tracking_carrier text,
  ADD COLUMN tracking_carrier_name text,
  ADD COLUMN tracking_number text,
  ADD COLUMN tracking_url text;

ALTER TABLE orders
  ADD CONSTRAINT orders_tracking_carrier_chk CHECK (tracking_carrier IS NULL OR tracking_carrier ~ '^[a-z_]{2,30}$'),
  ADD CONSTRAINT orders_tracking_number_chk CHECK (tracking_number IS NULL OR (length(tracking_number) BETWEEN 1 AND 64 AND tracking_carrier IS NOT NULL)),
  ADD CONSTRAINT orders_tracking_carrier_name_chk CHECK (tracking_carrier_name IS NULL OR length(tracking_carrier_name) BETWEEN 1 AND 80),
  ADD CONSTRAINT orders_tracking_url_chk CHECK (tracking_url IS NULL OR (tracking_url LIKE 'https://%' AND length(tracking_url) <= 500));
