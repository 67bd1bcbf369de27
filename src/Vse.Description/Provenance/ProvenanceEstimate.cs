using Vse.Description.Layers;

namespace Vse.Description.Provenance;

/// <summary>
/// How many value paths a merge of some layers will record, estimated from their patches before
/// it runs, so that the provenance table is made at its size instead of grown (see
/// <see cref="PartitionedPathTable{TKey, TValue}"/>). Every scalar, set member and step a patch
/// names counts once: a path that several layers set counts for each, so the estimate is high by
/// the overrides (~15 % for the benchmark hierarchy), and low only by what a removal of a whole
/// earlier value records, which no patch shows.
/// </summary>
internal static class ProvenanceEstimate
{
    public static int Paths(IEnumerable<Layer> layers)
    {
        var paths = 0;
        foreach (var layer in layers)
        {
            paths += Paths(layer.Body);
            foreach (var target in layer.Targets.Values)
            {
                paths += Paths(target);
            }
        }

        return paths;
    }

    private static int Paths(Patch patch)
    {
        switch (patch)
        {
            case MapPatch map:
                var paths = 0;
                for (var i = 0; i < map.Entries.Count; i++)
                {
                    paths += Paths(map.Entries[i].Value);
                }

                return paths;
            case SetPatch set:
                return set.Add.Count + set.Remove.Count;
            case StepsPatch steps:
                return steps.Steps.Count;
            default:
                return 1;
        }
    }
}
