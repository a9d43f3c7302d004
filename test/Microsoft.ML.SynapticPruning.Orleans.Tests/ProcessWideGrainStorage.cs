using System.Collections.Concurrent;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Microsoft.ML.SynapticPruning.Orleans.Tests;

/// <summary>
/// Grain storage shared by every in-process silo of a test cluster, standing in for an external store (Redis) that
/// survives the death of any silo. Orleans' memory storage lives inside the silos and loses the partitions of a
/// killed silo, which is not what a deployment with Redis sees. While <paramref name="writesFail"/> returns true every
/// write throws, as a store that is down or restarting does.
/// </summary>
internal sealed class ProcessWideGrainStorage(Serializer serializer, ConcurrentDictionary<string, (byte[] Data, string ETag)> store, Func<bool> writesFail) : IGrainStorage
{
    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (store.TryGetValue(Key(stateName, grainId), out var entry))
        {
            grainState.State = serializer.Deserialize<T>(entry.Data);
            grainState.ETag = entry.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (writesFail())
            throw new IOException($"Injected storage outage: writing {Key(stateName, grainId)} failed.");
        string etag = Guid.NewGuid().ToString("N");
        store[Key(stateName, grainId)] = (serializer.SerializeToArray(grainState.State), etag);
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        store.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
