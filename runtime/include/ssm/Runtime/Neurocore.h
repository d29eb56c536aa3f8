//===- Neurocore.h - the event-driven neurocore runtime ---------*- C++ -*-===//
//
// Executes a neurocore graph (the nc dialect, translated by
// ssm/Translation/FromNC.h) the way Loihi 2 does (docs/event-runtime.md):
// time steps; in each step every core takes the messages sent to it in the
// previous step (or `delay` steps earlier), accumulates them through its
// synapse tables, updates its neurons in integer arithmetic of the
// hardware's widths (an fp32 network: IEEE binary32, Hardware::arithmetic)
// and sends graded spikes sigma-delta. Only non-zero
// messages travel, so work follows activity. Cores run in parallel within a
// step; every result is bit-identical for any thread count because a core
// only writes its own state and reads messages of the previous steps.
//
// Pipelining: a message takes one step per edge, so the group at pipeline
// depth d processes token t at step d + t. Groups are active only for their
// own tokens, which makes the quantized network compute exactly the
// layer-by-layer recurrence of the model (see docs/event-runtime.md).
//
// MLIR-free: std and Boost.Graph; errors are exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_NEUROCORE_H
#define SSM_RUNTIME_NEUROCORE_H

#include "ssm/Runtime/HardwareRanges.h"
#include "ssm/Runtime/NeuronModel.h"

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssm::rt::neuro {

/// Per-operation costs of the cost model, one table for energy (pJ) and one
/// for time (ns); docs/cost-model.md gives the sources of the defaults.
struct OpCosts {
  double synop = 0;          // one synaptic operation (weight x payload)
  double neuronActive = 0;   // a neuron update with input or live state
  double neuronInactive = 0; // a neuron swept without either
  double message = 0;        // a spike message leaving its core
  double hopX = 0, hopY = 0; // one mesh hop east-west / north-south
  double barrier = 0;        // the end-of-step barrier
  double chipHop = 0;        // a message crossing one chip-to-chip link
  /// One byte of synapses read from a chip's DRAM (time: 1 / bandwidth;
  /// 0 for a chip without DRAM).
  double dramByte = 0;
};

/// The cost tables' keys (hardware description JSON, nc, network files)
/// and the fields they fill: the one list every reader and writer uses. An
/// optional key is 0 where a description or file does not give it (those
/// written before it existed).
struct CostField {
  const char *key;
  double OpCosts::*field;
  bool optional = false;
};
inline constexpr CostField kCostFields[] = {
    {"synop", &OpCosts::synop},
    {"neuron_active", &OpCosts::neuronActive},
    {"neuron_inactive", &OpCosts::neuronInactive},
    {"message", &OpCosts::message},
    {"hop_x", &OpCosts::hopX},
    {"hop_y", &OpCosts::hopY},
    {"barrier", &OpCosts::barrier},
    {"chip_hop", &OpCosts::chipHop},
    {"dram_byte", &OpCosts::dramByte, /*optional=*/true}};

/// A hardware description (the `hardware` attribute of nc.network).
struct Hardware {
  std::string name = "loihi2";
  /// The chip the description is of, one of hw::kChipTargets: the ssmc
  /// target that runs the network (loihi2 or spinnaker2; the arithmetic
  /// and the cost model's form are the same, its numbers differ).
  std::string target = "loihi2";
  /// Fixed point, or IEEE binary32 (the session's float path).
  hw::Arithmetic arithmetic = hw::Arithmetic::Fixed;
  int64_t chips = 1, meshX = 8, meshY = 16;
  /// The chips on a mesh of their own (chip k at (k % chipMeshX, k /
  /// chipMeshX)); chipMeshX * chipMeshY == chips.
  int64_t chipMeshX = 1, chipMeshY = 1;
  int64_t neuronsPerCore = 8192, synapseBytesPerCore = 196608;
  unsigned stateBits = 24, messageBits = 24, weightBits = 8;
  int minExponent = -8, maxExponent = 7, maxDelay = 62;
  /// DRAM per chip for synapse tables that live off the cores (SpiNNaker
  /// 2's LPDDR4); 0: none, every table in its core's memory.
  int64_t dramBytes = 0;
  OpCosts energyPJ, timeNS;
  double staticPowerMW = 0;

  /// Bits a synapse weight takes in memory (hw::storedWeightBits).
  unsigned storedWeightBits() const {
    return hw::storedWeightBits(arithmetic, weightBits);
  }

  /// Chip-to-chip links a message from chip `a` to chip `b` crosses (its
  /// route on the chip mesh, dimension by dimension).
  int64_t chipHops(int64_t a, int64_t b) const {
    return std::abs(a % chipMeshX - b % chipMeshX) +
           std::abs(a / chipMeshX - b / chipMeshX);
  }
};

struct Core {
  std::string name;
  int64_t chip = 0, x = 0, y = 0;
};

/// A group of neurons running one model on one core. Values (current,
/// state, payload) are integers read as q * 2^-frac; the model's
/// parameters as q * 2^-paramFrac[k] for its k-th parameter format, or in
/// the value format when it declares none (NeuronModel.h).
struct NeuronGroup {
  std::string name;
  const NeuronModelInfo *model = nullptr;
  int64_t size = 0;
  int core = -1;  // index into Network::cores; -1 for inputs
  int input = -1; // host stream index of a host input
  int frac = 0;
  std::vector<int> paramFrac;  // [model->paramFormats.size()]
  unsigned payloadBits = 24;
  int64_t threshold = 0;       // sigma-delta, payload units
  std::vector<int64_t> bias;   // [currentSize()] or empty
  /// The model's parameters, [model->params.size()][size].
  std::vector<std::vector<int32_t>> params;
  uint32_t flags = 0;          // bit k: model->flags[k] is set
  std::vector<int> tables;     // synapse tables feeding this group

  /// Entries of the group's input current.
  int64_t currentSize() const {
    return model ? model->currentPerNeuron * size : size;
  }
  /// The model's parameter `name` ([size]); throws std::out_of_range when
  /// the model has none of that name or the group does not hold it.
  const std::vector<int32_t> &param(std::string_view name) const;
  /// Whether the model's option `flag` is set.
  bool hasFlag(std::string_view flag) const;
  /// Sets the model's option `flag` (throws when the model has none).
  void setFlag(std::string_view flag);
};

/// One source of a synapse table: `size` consecutive columns come from
/// group `group`.
struct TableSource {
  int group = -1;
  int64_t size = 0;
};

/// A synapse table, stored column by column (per source neuron) so a
/// message touches only its own weights: CSR over columns of the non-zero
/// weights.
struct SynapseTable {
  std::string name;
  std::vector<TableSource> sources;
  int target = -1;
  int64_t rows = 0, cols = 0;
  int exponent = 0;
  int delay = 0;
  /// Stored in the chip's DRAM instead of its core's memory: each synaptic
  /// operation reads its share of the table's bytes from DRAM.
  bool dram = false;
  std::vector<int64_t> columnStart; // [cols + 1]
  std::vector<int32_t> rowIndex;    // non-zero entries
  std::vector<int32_t> weight;

  /// Bytes the table occupies in memory, in the cheaper layout
  /// (cheaperSynapseTableBytes).
  int64_t bytes(unsigned weightBits) const;
  /// Builds the CSR form from a row-major [rows, cols] weight matrix.
  void setWeights(const std::vector<int64_t> &rowMajor);
  /// Builds the CSR form from entries at row-major flat indices
  /// (r * cols + c, strictly increasing, each below rows * cols); zero
  /// values are dropped. The same CSR as setWeights() of the dense matrix,
  /// in memory proportional to the entries.
  void setEntries(const std::vector<int64_t> &flatIndex,
                  const std::vector<int64_t> &values);
};

struct Network {
  std::string name;
  Hardware hardware;
  std::vector<Core> cores;
  std::vector<NeuronGroup> groups; // inputs are groups too
  std::vector<SynapseTable> tables;
  std::vector<int> inputs;  // group index of input stream 0, 1, ...
  std::vector<int> outputs; // groups whose messages leave the chip

  /// Checks every index, size, width and delay against the hardware, the
  /// graph's pipelining (every input of a group must deliver the same
  /// token), and computes the groups' pipeline depths. Throws
  /// std::invalid_argument naming the group or table.
  void validate();

  /// Pipeline depth of each group (valid after validate()).
  std::vector<int64_t> depth;
  /// The cycle each group belongs to (rt::recurrentComponents; valid after
  /// validate()): a table between two groups of one cycle is recurrent and
  /// delivers the previous token.
  std::vector<int> component;
  int64_t maxDepth = 0;
  int64_t outputChannels() const;
  int64_t inputChannels() const;
  /// Table t's non-zero weights as real numbers, in its CSR order: integer
  /// w from a source in format F_src into a target in F_dst is
  /// w 2^(e + F_src - F_dst) (quant::tableWeightUnit), so that a source's
  /// real value times it is the target's real current (exact in double).
  std::vector<double> realWeights(int t) const;
};

/// What happened in one step, or summed over many.
struct Counters {
  int64_t steps = 0;
  int64_t synops = 0;
  int64_t neuronUpdatesActive = 0, neuronUpdatesInactive = 0;
  int64_t messages = 0;       // one per (sending neuron, destination core)
  int64_t spikes = 0;         // neurons that sent, host inputs included
  int64_t inputSpikes = 0;    // of those, host input neurons
  int64_t hopsX = 0, hopsY = 0;
  int64_t chipMessages = 0;   // messages between cores on different chips
  int64_t chipHops = 0;       // chip-to-chip links those messages crossed
  int64_t overflows = 0;      // saturations of state, current or payload
  /// Bytes of synapses read from DRAM (synops of DRAM tables, each at its
  /// table's bytes per non-zero weight).
  double dramBytes = 0;
  double energyPJ = 0;        // dynamic energy of these steps
  double timeNS = 0;          // sum over steps of the slowest core + mesh + barrier
  /// Of timeNS, the chip-to-chip links of each step's longest route.
  double chipTimeNS = 0;
  /// Of timeNS, the steps' DRAM reads beyond their slowest core.
  double dramTimeNS = 0;
  void add(const Counters &other);
};

/// Bytes a synapse table of `rows` x `cols` with `nonZero` non-zero weights
/// occupies in memory: every weight (dense), or each non-zero weight with
/// the index of its source neuron, ceil(log2 cols) bits (sparse). The nc
/// verifier, the splitting and placement passes and the runtime's DRAM
/// traffic all count with this.
int64_t synapseTableBytes(int64_t rows, int64_t cols, int64_t nonZero,
                          unsigned weightBits, bool sparse);
/// Bytes of a table in the cheaper of the two layouts; `sparse` (when
/// given) says whether that is the sparse one (chosen only when strictly
/// smaller).
int64_t cheaperSynapseTableBytes(int64_t rows, int64_t cols, int64_t nonZero,
                                 unsigned weightBits, bool *sparse = nullptr);

/// Per-group activity of the last step, for traces.
struct GroupActivity {
  int64_t spikes = 0, synops = 0, active = 0, overflows = 0;
  /// Neurons whose output is non-zero this step, for models that fire
  /// events (an EGRU unit's o = 1); 0 for the others.
  int64_t events = 0;
  /// Messages its spikes became (one per destination core) and their mesh
  /// hops.
  int64_t messages = 0, hopsX = 0, hopsY = 0;
  /// Of those messages, the ones that leave their chip, and the links.
  int64_t chipMessages = 0, chipHops = 0;
  /// Bytes its synops read from DRAM.
  double dramBytes = 0;
};

/// The dynamic energy (pJ) of one group's part of a step, by the cost
/// model's per-operation energies (CostModel.h): its synaptic operations,
/// its neurons' updates (active or swept; none for a host input), its
/// messages and their hops. Summed over a step's groups, plus the barrier,
/// it is the step's dynamic energy.
double groupEnergyPJ(const Hardware &hardware, const NeuronGroup &group,
                     const GroupActivity &activity);

/// One stream's cores split across processes (MPI ranks; docs/mpi.md):
/// which rank steps each core. Every rank holds the whole network; a rank
/// updates only its own cores' groups and learns the others' from the
/// step's exchange (StepExchange).
struct CoreSplit {
  int ranks = 1, rank = 0;
  std::vector<int> rankOfCore; // [cores]
  bool byChip = false;         // whole chips went to ranks
  bool inOrder = false;        // consecutive units per rank (else balanced)
};

/// What one byte of a split stream's step exchange costs, in units of a
/// core's work (a synop or a neuron update), for choosing a split: about
/// 0.4 ns against 3.4 ns on the machines bench/mpi/run.py ran on (the EGRU
/// language model's 0.72 ms steps of about 214,000 such units; the sMNIST
/// network's 19 KiB exchanges costing about 7 µs beyond the collectives'
/// latency). It moves only the choice, never a result.
inline constexpr double kWorkPerExchangedByte = 0.1;

/// Splits `net`'s cores among `ranks` ranks. Work per core: `coreWork`
/// [cores], best measured (Session::coreTotals() of a few tokens: synops +
/// neuron updates); empty: its neurons plus the non-zero weights of the
/// tables feeding them. Units: whole chips when the network uses at least
/// `ranks` chips (only inter-chip messages then cross processes, as on a
/// multi-chip system), else cores. Two splits are weighed: heaviest unit
/// first to the least loaded rank (within 4/3 of the smallest largest
/// load), and consecutive units per rank with the smallest largest load
/// (a pipeline cut between ranks, not interleaved). Without
/// `groupMessages` [groups] (each group's messages over the steps
/// `coreWork` was measured on) the first is taken; with it, the one whose
/// largest load plus kWorkPerExchangedByte times the bytes its crossing
/// messages take (8 each) is lower (ties: the first). A rank may own no core when there are fewer units than ranks.
/// Deterministic: every rank computes the same split. Throws
/// std::invalid_argument when rank is not in [0, ranks) or a vector has
/// another length.
CoreSplit splitCores(const Network &net, int ranks, int rank,
                     const std::vector<int64_t> &coreWork = {},
                     const std::vector<double> &groupMessages = {});

/// How the ranks of a split stream share each step's results (an MPI
/// all-gather in the driver; the runtime does not depend on MPI).
class StepExchange {
public:
  virtual ~StepExchange() = default;
  /// Collective over every rank of the split: gives this rank's bytes and
  /// returns every rank's bytes concatenated in rank order, `offsets`
  /// [ranks + 1] marking each rank's part. Throws on failure.
  virtual void allGather(const std::vector<char> &mine, std::vector<char> &all,
                         std::vector<int64_t> &offsets) = 0;
};

/// A streaming session on one network: feed tokens one at a time, finish
/// the sequence, read the outputs, reset. Not thread-safe itself; it uses
/// up to `threads` threads inside each step (bit-identical results for any
/// count).
class Session {
public:
  Session(const Network &network, int threads = 1);
  /// One part of a split stream: this rank steps the cores `split` gives
  /// it (on `threads` threads) and, after each step's updates, exchanges
  /// through `exchange` what the other ranks need: each of its cores'
  /// counters and time, each of its groups' activity, the messages of
  /// those a table on another rank reads (the non-zero entries, or all
  /// when that is smaller) and output groups' changed values. Every rank
  /// then holds the messages its tables read, every core's counters and
  /// the outputs, so
  /// counters, outputs and traces are bit-identical to one process's
  /// (the step's reduction runs in core order on every rank). Every rank
  /// must feed the same tokens; `exchange` must outlive the session.
  /// groupValues() and groupSent() of another rank's group are valid for
  /// output groups only (the others' registers and messages stay on their
  /// rank unless a table here reads them).
  Session(const Network &network, int threads, CoreSplit split,
          StepExchange &exchange);
  ~Session();
  Session(Session &&) noexcept;

  /// Back to the state before the first token.
  void reset();

  /// Runs the step that takes in token `tokens()` (`inputChannels` floats,
  /// quantized to the input's format) and returns that step's counters.
  const Counters &feed(const float *token);

  /// Ends the sequence: runs the steps that drain the pipeline, so every
  /// group has processed the last token, and returns the output groups'
  /// values (concatenated, as the host reconstructs them from the messages
  /// it received) in float64.
  /// `afterStep`, when given, is called after each drain step (traces).
  std::vector<double>
  finish(const std::function<void(int64_t step)> &afterStep = nullptr);

  /// The outputs as the host sees them now: for a network without a
  /// readout, the output of token `tokens() - 1 - outputLatency()`.
  std::vector<double> outputs() const;

  /// Steps from a token's input to its output (the pipeline depth).
  int64_t outputLatency() const;

  int64_t tokens() const;
  /// Counters summed since the last reset().
  const Counters &totals() const;
  /// Per-group activity of the last step (index = group).
  const std::vector<GroupActivity> &lastStep() const;
  /// The token group `g` took in during the last step, or -1 (pipeline
  /// filling or draining).
  int64_t groupToken(int g) const;
  /// The values group `g`'s receivers see after the last step, [size]
  /// float64 (payloads read as q * 2^-frac): a sigma-delta group's value
  /// last sent, a spiking group's payloads of this step (0 when silent).
  std::vector<double> groupValues(int g) const;
  /// Whether each neuron of group `g` sent a message in the last step.
  std::vector<uint8_t> groupSent(int g) const;
  const Network &network() const;
  /// Bytes every rank together put into the exchanges since reset() (0
  /// for a session of one process).
  int64_t exchangedBytes() const;
  /// Each core's counters summed since reset() (every core's, on every
  /// rank of a split stream).
  const std::vector<Counters> &coreTotals() const;

private:
  struct State;
  std::unique_ptr<State> state;
  void step(const float *token);
};

/// How many values the host gives a host input group per token: its size,
/// or 1 (the id) for a token input.
int64_t inputValues(const NeuronGroup &group);
/// The id of token `token` of a token input group: throws
/// std::out_of_range naming both when `value` is not in [0, size).
int64_t tokenId(const NeuronGroup &group, double value, int64_t token);

/// The quantized model evaluated in float64: the network's integer
/// weights and parameters read as real numbers (q * 2^-frac), activations
/// and states left unrounded and unsaturated, thresholds zero, every group
/// processing each token in topological order. The event runtime's outputs
/// differ from these only by activation rounding, saturation and
/// sigma-delta thresholds (docs/event-runtime.md gives the bound).
/// Token by token: a sequence of `length` tokens (a mean readout divides by
/// it), fed in order.
class QuantizedFloatStream {
public:
  /// Called with each group's values [size] at the token fed: inputs
  /// first, then each group after it computed them.
  using Observer = std::function<void(int group, const double *values)>;

  QuantizedFloatStream(const Network &network, int64_t length);
  ~QuantizedFloatStream();
  /// Feeds the next token (`inputChannels` values). Throws
  /// std::logic_error beyond `length` tokens, std::out_of_range for a token
  /// id outside a token input's vocabulary.
  void feed(const float *token, const Observer &observer = nullptr);
  /// The output groups' values after the last token fed.
  std::vector<double> outputs() const;

private:
  struct State;
  std::unique_ptr<State> state;
};

/// A QuantizedFloatStream fed `tokens` [length, inputChannels]: the outputs
/// after the last token, as Session::finish() returns them.
std::vector<double> evaluateQuantizedFloat(const Network &network,
                                           const float *tokens,
                                           int64_t length);

/// Energy, latency and throughput per token from counters summed over
/// `tokens` tokens (docs/cost-model.md).
struct CostEstimate {
  double energyPerTokenUJ = 0;  // dynamic + static
  double latencyPerTokenUS = 0; // mean step time
  double tokensPerSecond = 0;   // on the chip, one token per step
  /// The chip-to-chip links' share of the dynamic energy and of the time.
  double interChipEnergyShare = 0, interChipLatencyShare = 0;
  /// DRAM reads' share of the dynamic energy and of the time.
  double dramEnergyShare = 0, dramLatencyShare = 0;
};
CostEstimate estimateCost(const Hardware &hardware, const Counters &totals,
                          int64_t tokens);

} // namespace ssm::rt::neuro

#endif // SSM_RUNTIME_NEUROCORE_H
