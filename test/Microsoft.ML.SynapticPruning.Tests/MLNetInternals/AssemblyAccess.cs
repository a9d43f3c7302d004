// The test assembly needs the same runtime permission as the library to run the sample transformer. The attribute
// class itself is the library's internal one (visible here through InternalsVisibleTo); CoreCLR matches it by name.
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]
