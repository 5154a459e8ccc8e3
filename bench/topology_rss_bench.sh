#!/usr/bin/env bash
# Topology document parse, peak memory: the document of a generated fleet
# (`emlite-sim topology --meters N`, what `emop db import` reads) parsed by the
# compact tree (db::YamlTree, lib/db/yaml_tree.hpp) and by YAML::Load of the same
# text, each in a child process of its own, with the text alone as the floor;
# prints each peak RSS and the ratio YAML::Load / compact, measured in the same run.
#
#   bench/topology_rss_bench.sh [BUILD_DIR]                    (default build/; full size, 60,000 meters)
#   TOPOLOGY_BENCH_METERS=5000 bench/topology_rss_bench.sh build   (the CI size)
#
# Prints figures only; exits 1 when a command fails or the two parsers count a
# different number of nodes.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
bench_init topology_rss_bench "${1:-}"  # $root, $build, $work
sim=$build/apps/emlite-sim/emlite-sim
parse=$build/bench/topology_parse_bench
meters=${TOPOLOGY_BENCH_METERS:-60000}
for b in "$sim" "$parse"; do [[ -x $b ]] || die "$b is missing: build first (cmake --build $build)"; done

"$sim" topology --meters "$meters" >"$work/topology.yaml" || die "emlite-sim topology failed"
echo "topology_rss_bench: $meters meters"
"$parse" "$work/topology.yaml" || die "topology_parse_bench failed"
