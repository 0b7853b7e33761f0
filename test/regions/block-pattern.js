// The content of version `version` of block `lba`: every byte depends on both, so two versions of a
// block never agree on a whole cache line, and a torn block matches no version.
function pattern(lba, version, size) {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (lba * 31 + version * 7 + i) & 0xff;
  return out;
}

module.exports = { pattern };
