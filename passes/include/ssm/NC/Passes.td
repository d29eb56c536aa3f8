//===- Passes.td - passes on the nc dialect ----------------*- tablegen -*-===//
//
// The steps of the loihi2 target that work on a neurocore graph alone:
// after convert-ssm-to-neurocore has lowered a model to an unplaced
// nc.network, these line up its inputs, split its groups to fit a core,
// place them on the mesh and report the result. Each reads the chip's
// limits from the network's `hardware` attribute, so none takes a file.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_NC_PASSES_TD
#define SSM_NC_PASSES_TD

include "mlir/Pass/PassBase.td"

def NCInsertDelays : Pass<"nc-insert-delays", "::ssm::nc::NetworkOp"> {
  let summary = "Set synaptic delays so that every group sees all its "
                "inputs from the same token";
  let description = [{
    A group's pipeline depth is the number of steps a token takes from the
    chip's inputs to it: 0 for `nc.input`, else one more than the deepest
    group a table of it reads. Every table into a group at depth d from a
    group at depth s gets `delay = d - s - 1` (Loihi 2's synaptic delay),
    so paths of different length (the S4D `D` skip, residual adds) deliver
    the same token together. A table that reads the group it feeds is
    recurrent: it delivers the previous token, sets no depth and keeps its
    delay. Delays already in the network are replaced.

    Errors: a delay beyond the hardware's `max_delay` (at the group), a
    cycle through several groups, and a table whose inputs lie at
    different depths (no one delay lines them up).
  }];
}

def NCSplitGroups : Pass<"nc-split-groups", "::ssm::nc::NetworkOp"> {
  let summary = "Split neuron groups that do not fit one core";
  let description = [{
    A group with more neurons than a core has, or whose synapse tables need
    more memory than a core has, becomes the fewest equal parts of which
    each fits (part p of `@g` is `@g.p`, covering neurons
    [size * p / parts, size * (p + 1) / parts)). Each part gets its rows of
    every table (stored dense or sparse, whichever is smaller for those
    rows) and its slice of every per-neuron parameter and of `bias`; tables
    and outputs that read the group read all its parts instead, in order,
    so their columns do not change. A model with several current entries
    per neuron (`egru_unit`'s four gates) stacks them by entry (entry k of
    neuron i is row k * size + i), so a part takes the rows of its neurons
    from every block, and its slice of each block of the bias. Run before
    `nc-place`; a group already on a core is left alone.

    `neurons-per-core=N` splits groups to at most N neurons per part
    (when below the hardware's), trading cores for step time: a core's
    time grows with its neurons.

    With `synapse-memory=dram` (the chip must have DRAM: `dram_bytes`)
    every table goes to DRAM (`dram`) and groups split by neuron count
    only; with `core` (the default) tables stay in core memory, except
    those of a group of which one neuron's synapses exceed a core, which go
    to DRAM when the chip has it.

    Errors: a group of which one neuron's synapses exceed a core's memory
    on a chip without DRAM.
  }];
  let options = [
    Option<"synapseMemory", "synapse-memory", "std::string", "\"core\"",
           "Where synapse tables live: core (each core's memory; DRAM only "
           "for a neuron too large for a core) or dram (every table)">,
    Option<"neuronsPerCore", "neurons-per-core", "int64_t", "0",
           "At most this many neurons of a group per core, below the "
           "hardware's (fewer neurons per core: more cores, shorter steps); "
           "0: the hardware's">
  ];
}

def NCPlace : Pass<"nc-place", "::ssm::nc::NetworkOp"> {
  let summary = "Place neuron groups on the cores of the mesh";
  let description = [{
    Gives every group a core (`nc.core` ops at the top of the network,
    `@core0`, `@core1`, ...): groups in topological order of their traffic
    (Boost.Graph), one per core while cores last, else packed first-fit;
    then each core, in order, at the free position with the least
    traffic-weighted Manhattan distance to the cores placed before it
    (docs/loihi2-compile.md). Every group must fit one core
    (`nc-split-groups`). Errors: a group already on a core, and a network
    that does not fit, at the group that found no core, naming what it
    needs and what is left.
  }];
}

def NCCoreReport : Pass<"nc-core-report", "::ssm::nc::NetworkOp"> {
  let summary = "Write the per-core resource table of a placed network";
  let description = [{
    One row per core: position, neurons and synapse bytes with their
    utilization, the groups on it; then the totals and the pipeline depth
    (from the tables' delays). Changes nothing.
  }];
  let options = [
    Option<"file", "file", "std::string", /*default=*/"\"-\"",
           "Where to write the table (- for stdout)">
  ];
}

#endif // SSM_NC_PASSES_TD
