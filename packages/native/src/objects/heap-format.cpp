#include "objects/heap-format.hpp"

#include <algorithm>
#include <cstring>

namespace pmemts {
namespace {

// struct pmemobjpool (obj.h): pool_hdr (4 KiB) | layout[1024] | lanes_offset | nlanes | heap_offset
constexpr uint64_t kHeapOffsetField = 4096 + 1024 + 16;
// struct heap_header: signature[16] | major | minor | unused | chunksize | chunks_per_zone | ... (1 KiB)
constexpr uint64_t kHeapHeaderSize = 1024;
constexpr char kHeapSignature[16] = "MEMORY_HEAP_HDR";
constexpr uint64_t kHeapMajorField = 16;
constexpr uint64_t kChunkSizeField = 40;
constexpr uint64_t kChunksPerZoneField = 48;
// struct zone: zone_header {magic u32, size_idx u32, reserved[56]} | chunk_header[chunks_per_zone] | chunks
constexpr uint64_t kZoneHeaderSize = 64;
constexpr uint32_t kZoneMagic = 0xC3F0A2D2;
// struct chunk_header: type u16 | flags u16 | size_idx u32
constexpr uint64_t kChunkHeaderSize = 8;
constexpr uint16_t kChunkUsed = 3;
constexpr uint16_t kChunkRun = 4;
constexpr uint16_t kChunkFlagCompactHeader = 0x1;
constexpr uint16_t kChunkFlagHeaderNone = 0x2;
constexpr uint16_t kChunkFlagAligned = 0x4;
constexpr uint16_t kChunkFlagFlexBitmap = 0x8;
// struct chunk_run: block_size u64 | alignment u64 | content (bitmap, then the blocks). Bitmap words
// hold 64 units each, a set bit is a used unit. A run without the flex-bitmap flag has a fixed
// 38-word bitmap (40 words of metadata with the header).
constexpr uint64_t kRunHeaderSize = 16;
constexpr uint64_t kBitsPerWord = 64;
constexpr uint64_t kFixedBitmapWords = 38;
constexpr uint64_t kFixedMetadataBytes = 40 * 8;
constexpr uint64_t kCacheLineWords = 8;
// Allocation headers. Compact: size u64 (low 48 bits: block bytes, header included; high 16: flags) |
// extra u64 (type number). Legacy (64 bytes): size u64 | type_num u64 | root_size u64 (high 16: flags).
constexpr uint64_t kCompactHeaderSize = 16;
constexpr uint64_t kLegacyHeaderSize = 64;
constexpr uint64_t kSizeMask = (uint64_t{1} << 48) - 1;
constexpr unsigned kFlagsShift = 48;
// OBJ_INTERNAL_OBJECT_MASK (obj.h): the root object and undo-log extensions, skipped by pmemobj_first/next.
constexpr uint16_t kInternalObjectFlag = uint16_t{1} << 15;

class Mapping {
 public:
  Mapping(const char* base, uint64_t size) : base_(base), size_(size) {}
  bool Holds(uint64_t at, uint64_t length) const { return at <= size_ && length <= size_ - at; }
  template <typename T>
  T Read(uint64_t at) const {  // callers check Holds(at, sizeof(T)) first
    T value;
    std::memcpy(&value, base_ + at, sizeof(T));
    return value;
  }
  bool Equals(uint64_t at, const char* bytes, uint64_t length) const { return std::memcmp(base_ + at, bytes, length) == 0; }
  uintptr_t Address(uint64_t at) const { return reinterpret_cast<uintptr_t>(base_) + at; }

 private:
  const char* base_;
  uint64_t size_;
};

struct Chunk {
  uint16_t type;
  uint16_t flags;
  uint32_t sizeIdx;
};

// Zone geometry from the heap header.
struct Heap {
  uint64_t zones;  // offset of zone 0
  uint64_t chunkSize;
  uint64_t zoneMeta;  // zone header + chunk headers
  uint64_t zoneSize;
};

// A chunk span as the heap walk meets it: first chunk's header, and the bytes it covers.
struct Span {
  Chunk chunk;
  uint64_t start;
  uint64_t end;
};

// Where an offset's allocation header would lie, and how to read it.
struct Candidate {
  Span span;
  uint64_t header;
  uint64_t headerBytes;
  uint64_t unit;  // run unit (block bytes are whole multiples of it); the span bytes for a huge chunk
  // Runs only: the bitmap and the unit index of the candidate block.
  uint64_t bitmap = 0;
  uint64_t dataStart = 0;
  uint64_t unitIndex = 0;
  uint64_t unitCount = 0;  // units the bitmap describes
};

struct BlockHeader {
  uint64_t bytes;  // header included
  uint64_t typeNum;
  uint16_t flags;
};

bool ReadHeap(const Mapping& m, Heap& heap) {
  if (!m.Holds(kHeapOffsetField, 8)) return false;
  uint64_t at = m.Read<uint64_t>(kHeapOffsetField);
  if (!m.Holds(at, kHeapHeaderSize) || !m.Equals(at, kHeapSignature, sizeof kHeapSignature)) return false;
  uint64_t chunkSize = m.Read<uint64_t>(at + kChunkSizeField);
  uint64_t chunksPerZone = m.Read<uint64_t>(at + kChunksPerZoneField);
  if (m.Read<uint64_t>(at + kHeapMajorField) != 1 || chunkSize < 4096 || chunkSize > (1u << 30) || chunksPerZone == 0 ||
      chunksPerZone > UINT16_MAX) {
    return false;
  }
  heap.zones = at + kHeapHeaderSize;
  heap.chunkSize = chunkSize;
  heap.zoneMeta = kZoneHeaderSize + chunksPerZone * kChunkHeaderSize;
  heap.zoneSize = heap.zoneMeta + chunksPerZone * chunkSize;
  return true;
}

Chunk ReadChunk(const Mapping& m, uint64_t zone, uint64_t id) {
  uint64_t at = zone + kZoneHeaderSize + id * kChunkHeaderSize;
  return Chunk{m.Read<uint16_t>(at), m.Read<uint16_t>(at + 2), m.Read<uint32_t>(at + 4)};
}

// First chunk ids of a zone's spans, hopping by size_idx from its first chunk as the heap walk does;
// stops at a malformed header (chunks from there on belong to no span).
std::vector<uint32_t> HopSpans(const Mapping& m, uint64_t zone, uint64_t zoneChunks) {
  std::vector<uint32_t> starts;
  for (uint64_t id = 0; id < zoneChunks;) {
    Chunk chunk = ReadChunk(m, zone, id);
    if (chunk.sizeIdx == 0 || chunk.sizeIdx > zoneChunks - id) break;
    starts.push_back(static_cast<uint32_t>(id));
    id += chunk.sizeIdx;
  }
  return starts;
}

// The span holding `offset`.
bool FindSpan(const Mapping& m, const Heap& heap, uint64_t offset, HeapIndex& index, Span& out) {
  if (offset < heap.zones) return false;
  uint64_t zone = heap.zones + (offset - heap.zones) / heap.zoneSize * heap.zoneSize;
  if (!m.Holds(zone, heap.zoneMeta) || m.Read<uint32_t>(zone) != kZoneMagic) return false;
  uint64_t zoneChunks = m.Read<uint32_t>(zone + 4);
  uint64_t chunks = zone + heap.zoneMeta;
  if (zoneChunks > (heap.zoneMeta - kZoneHeaderSize) / kChunkHeaderSize || offset < chunks) return false;
  uint64_t target = (offset - chunks) / heap.chunkSize;
  if (target >= zoneChunks) return false;
  const std::vector<uint32_t>& starts = index.SpanStarts(zone, [&] { return HopSpans(m, zone, zoneChunks); });
  auto after = std::upper_bound(starts.begin(), starts.end(), target);
  if (after == starts.begin()) return false;
  uint64_t id = *(after - 1);
  // Read again, not cached: the index only says where the spans start.
  Chunk chunk = ReadChunk(m, zone, id);
  if (chunk.sizeIdx == 0 || chunk.sizeIdx > zoneChunks - id || target >= id + chunk.sizeIdx) return false;
  out = Span{chunk, chunks + id * heap.chunkSize, chunks + (id + chunk.sizeIdx) * heap.chunkSize};
  return m.Holds(out.start, out.end - out.start);
}

uint64_t HeaderBytes(uint16_t chunkFlags) {
  if (chunkFlags & kChunkFlagCompactHeader) return kCompactHeaderSize;
  if (chunkFlags & kChunkFlagHeaderNone) return 0;
  return kLegacyHeaderSize;
}

// A run's bitmap and first block, computed as libpmemobj's memblock_run_bitmap and
// run_get_data_start do; false when they would not fit the span.
bool ReadRunLayout(const Mapping& m, const Heap& heap, const Span& span, uint64_t headerBytes, Candidate& out,
                   uint64_t& bitCount, uint64_t& wordCount) {
  uint64_t unit = m.Read<uint64_t>(span.start);
  uint64_t alignment = m.Read<uint64_t>(span.start + 8);
  uint64_t sizeIdx = span.chunk.sizeIdx;
  if (unit == 0 || unit > span.end - span.start) return false;
  uint64_t content = span.start + kRunHeaderSize;
  uint64_t bitmapBytes;
  if (span.chunk.flags & kChunkFlagFlexBitmap) {
    uint64_t contentBytes = heap.chunkSize * sizeIdx - kRunHeaderSize;
    uint64_t words = (contentBytes / unit + kBitsPerWord - 1) / kBitsPerWord;
    // Bitmap plus run header rounded up to whole cache lines, so that the blocks start on one.
    uint64_t headerWords = kRunHeaderSize / 8;
    words = (words + headerWords + kCacheLineWords - 1) / kCacheLineWords * kCacheLineWords - headerWords;
    bitmapBytes = words * 8;
    if (bitmapBytes > contentBytes) return false;
    bitCount = (contentBytes - bitmapBytes) / unit;
    if (alignment != 0) {
      if (bitCount == 0) return false;
      bitCount--;
    }
    wordCount = words - (words * kBitsPerWord - bitCount) / kBitsPerWord;
  } else {
    bitCount = (heap.chunkSize * sizeIdx - kFixedMetadataBytes) / unit;
    if (bitCount > kFixedBitmapWords * kBitsPerWord) {
      if (sizeIdx > 1) return false;  // libpmemobj would have made the run fewer chunks long
      bitCount = kFixedBitmapWords * kBitsPerWord;
    }
    if (alignment != 0) {
      if (bitCount == 0) return false;
      bitCount--;
    }
    bitmapBytes = kFixedBitmapWords * 8;
    wordCount = kFixedBitmapWords - (kFixedBitmapWords * kBitsPerWord - bitCount) / kBitsPerWord;
  }
  uint64_t dataStart = content + bitmapBytes;
  if (span.chunk.flags & kChunkFlagAligned) {
    // The user data (after the header), not the block, is aligned; libpmemobj aligns the address.
    if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > span.end - span.start) return false;
    uintptr_t user = m.Address(dataStart + headerBytes);
    dataStart += ((user + alignment - 1) & ~(alignment - 1)) - user;
  }
  if (dataStart > span.end || bitCount > (span.end - dataStart) / unit) return false;
  out.bitmap = content;
  out.dataStart = dataStart;
  out.unit = unit;
  return true;
}

// The block whose user data would start at `offset`: its span, header address and geometry.
bool FindCandidate(const Mapping& m, uint64_t offset, HeapIndex& index, Candidate& out) {
  Heap heap;
  if (!ReadHeap(m, heap) || !FindSpan(m, heap, offset, index, out.span)) return false;
  const Span& span = out.span;
  out.headerBytes = HeaderBytes(span.chunk.flags);
  if (offset < span.start + out.headerBytes) return false;
  out.header = offset - out.headerBytes;
  if (span.chunk.type == kChunkUsed) {
    out.unit = span.end - span.start;
    return out.header == span.start;
  }
  if (span.chunk.type != kChunkRun) return false;
  uint64_t bitCount, wordCount;
  if (!ReadRunLayout(m, heap, span, out.headerBytes, out, bitCount, wordCount)) return false;
  if (out.header < out.dataStart || (out.header - out.dataStart) % out.unit != 0) return false;
  out.unitIndex = (out.header - out.dataStart) / out.unit;
  out.unitCount = bitCount;
  return out.unitIndex < bitCount && out.unitIndex / kBitsPerWord < wordCount;
}

// The header at `at` (of `headerBytes`, in blocks of whole `unit`s ending by `limit`), or false when
// its size cannot be that of a block there.
bool ReadBlockHeader(const Mapping& m, uint64_t at, uint64_t headerBytes, uint64_t unit, uint64_t limit,
                     BlockHeader& out) {
  if (headerBytes > limit - at) return false;
  if (headerBytes == 0) {
    out = BlockHeader{unit, 0, 0};
  } else if (headerBytes == kCompactHeaderSize) {
    uint64_t size = m.Read<uint64_t>(at);
    out = BlockHeader{size & kSizeMask, m.Read<uint64_t>(at + 8), static_cast<uint16_t>(size >> kFlagsShift)};
  } else {
    out = BlockHeader{m.Read<uint64_t>(at), m.Read<uint64_t>(at + 8),
                      static_cast<uint16_t>(m.Read<uint64_t>(at + 16) >> kFlagsShift)};
  }
  return out.bytes > headerBytes && out.bytes <= limit - at && out.bytes % unit == 0;
}

bool ReadBlockHeader(const Mapping& m, const Candidate& c, BlockHeader& out) {
  return ReadBlockHeader(m, c.header, c.headerBytes, c.unit, c.span.end, out);
}

// The units of the candidate's bitmap word where the walk starts a block: it starts one at each set
// bit it reaches and steps over the block by its header's size (libpmemobj never lets a run block cross
// a word, and its walk restarts at each word's first unit). A malformed header ends the word.
uint64_t WalkBlockStarts(const Mapping& m, const Candidate& c) {
  uint64_t first = c.unitIndex / kBitsPerWord * kBitsPerWord;
  uint64_t bits = m.Read<uint64_t>(c.bitmap + first / 8);
  uint64_t starts = 0;
  for (uint64_t i = 0; i < kBitsPerWord && first + i < c.unitCount;) {
    if (((bits >> i) & 1) == 0) {
      i++;
      continue;
    }
    BlockHeader block;
    if (!ReadBlockHeader(m, c.dataStart + (first + i) * c.unit, c.headerBytes, c.unit, c.span.end, block)) break;
    starts |= uint64_t{1} << i;
    i += block.bytes / c.unit;
  }
  return starts;
}

}  // namespace

bool ReadAllocationHeader(const char* base, uint64_t size, uint64_t offset, AllocationHeader& out) {
  Mapping m(base, size);
  HeapIndex index;  // one question: nothing to keep
  Candidate c;
  BlockHeader block;
  if (!FindCandidate(m, offset, index, c) || (c.span.chunk.flags & kChunkFlagCompactHeader) == 0 || !ReadBlockHeader(m, c, block)) {
    return false;
  }
  out.typeNum = block.typeNum;
  out.usableSize = block.bytes - c.headerBytes;
  return true;
}

BlockState BlockStateAt(const char* base, uint64_t size, uint64_t offset, HeapIndex& index) {
  Mapping m(base, size);
  Candidate c;
  if (!FindCandidate(m, offset, index, c)) return BlockState::None;
  if (c.span.chunk.type == kChunkRun) {
    uint64_t word = c.bitmap + c.unitIndex / kBitsPerWord * 8;
    uint64_t starts = index.BlockStarts(word, [&] { return WalkBlockStarts(m, c); });
    if (((starts >> (c.unitIndex % kBitsPerWord)) & 1) == 0) return BlockState::None;
  }
  BlockHeader block;
  if (!ReadBlockHeader(m, c, block)) return BlockState::None;
  return (block.flags & kInternalObjectFlag) ? BlockState::Internal : BlockState::Allocated;
}

}  // namespace pmemts
