#include "objects/heap-format.hpp"

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
constexpr uint16_t kChunkRunData = 5;
constexpr uint16_t kChunkFlagCompactHeader = 0x1;
// struct chunk_run_header: block_size u64 | alignment u64, then the bitmap and the blocks
constexpr uint64_t kRunHeaderSize = 16;
// struct allocation_header_compact: size u64 (low 48 bits: block bytes, header included) | extra u64 (type number)
constexpr uint64_t kCompactHeaderSize = 16;
constexpr uint64_t kSizeMask = (uint64_t{1} << 48) - 1;

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

 private:
  const char* base_;
  uint64_t size_;
};

struct Chunk {
  uint16_t type;
  uint16_t flags;
  uint32_t sizeIdx;
};

Chunk ReadChunk(const Mapping& m, uint64_t zone, uint64_t id) {
  uint64_t at = zone + kZoneHeaderSize + id * kChunkHeaderSize;
  return Chunk{m.Read<uint16_t>(at), m.Read<uint16_t>(at + 2), m.Read<uint32_t>(at + 4)};
}

}  // namespace

bool ReadAllocationHeader(const char* base, uint64_t size, uint64_t offset, AllocationHeader& out) {
  Mapping m(base, size);
  if (!m.Holds(kHeapOffsetField, 8)) return false;
  uint64_t heap = m.Read<uint64_t>(kHeapOffsetField);
  if (!m.Holds(heap, kHeapHeaderSize) || !m.Equals(heap, kHeapSignature, sizeof kHeapSignature)) return false;
  uint64_t chunkSize = m.Read<uint64_t>(heap + kChunkSizeField);
  uint64_t chunksPerZone = m.Read<uint64_t>(heap + kChunksPerZoneField);
  if (m.Read<uint64_t>(heap + kHeapMajorField) != 1 || chunkSize < 4096 || chunkSize > (1u << 30) || chunksPerZone == 0 ||
      chunksPerZone > UINT16_MAX) {
    return false;
  }
  // Zone and chunk holding the offset.
  uint64_t zones = heap + kHeapHeaderSize;
  uint64_t zoneMeta = kZoneHeaderSize + chunksPerZone * kChunkHeaderSize;
  uint64_t zoneSize = zoneMeta + chunksPerZone * chunkSize;
  if (offset < zones) return false;
  uint64_t zone = zones + (offset - zones) / zoneSize * zoneSize;
  if (!m.Holds(zone, zoneMeta) || m.Read<uint32_t>(zone) != kZoneMagic) return false;
  uint64_t zoneChunks = m.Read<uint32_t>(zone + 4);
  if (zoneChunks > chunksPerZone || offset < zone + zoneMeta) return false;
  uint64_t id = (offset - zone - zoneMeta) / chunkSize;
  if (id >= zoneChunks) return false;
  Chunk chunk = ReadChunk(m, zone, id);
  if (chunk.type == kChunkRunData) {  // a later chunk of a multi-chunk run: size_idx is the distance back
    if (chunk.sizeIdx > id) return false;
    id -= chunk.sizeIdx;
    chunk = ReadChunk(m, zone, id);
  }
  if ((chunk.type != kChunkUsed && chunk.type != kChunkRun) || (chunk.flags & kChunkFlagCompactHeader) == 0 ||
      chunk.sizeIdx == 0 || id + chunk.sizeIdx > zoneChunks) {
    return false;
  }
  // The header in front of the offset must lie inside that chunk span and describe a block that fits it.
  uint64_t start = zone + zoneMeta + id * chunkSize;
  uint64_t end = start + chunk.sizeIdx * chunkSize;
  if (!m.Holds(start, end - start)) return false;
  uint64_t dataStart = start + (chunk.type == kChunkRun ? kRunHeaderSize : 0);
  if (offset < dataStart + kCompactHeaderSize || offset > end) return false;
  uint64_t header = offset - kCompactHeaderSize;
  uint64_t blockBytes = m.Read<uint64_t>(header) & kSizeMask;
  if (blockBytes <= kCompactHeaderSize || blockBytes > end - header) return false;
  if (chunk.type == kChunkRun) {
    uint64_t unit = m.Read<uint64_t>(start);  // run blocks are whole multiples of the run's unit
    if (unit == 0 || blockBytes % unit != 0) return false;
  }
  out.typeNum = m.Read<uint64_t>(header + 8);
  out.usableSize = blockBytes - kCompactHeaderSize;
  return true;
}

}  // namespace pmemts
