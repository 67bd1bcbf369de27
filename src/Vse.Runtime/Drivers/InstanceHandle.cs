namespace Vse.Runtime.Drivers;

/// <summary>
/// What a driver returns from create and needs for every later call. Plain data, so it can be
/// stored in the state database and used again by a later vse process.
/// </summary>
/// <param name="Driver">The driver's name.</param>
public sealed record InstanceHandle(string Driver, string Id, string StateDirectory);
