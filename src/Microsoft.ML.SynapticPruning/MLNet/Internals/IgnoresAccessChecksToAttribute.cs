// CoreCLR honours this attribute (it is not shipped in the BCL; each assembly declares its own copy): the
// declaring assembly may access non-public members of the named assemblies. The compiler is satisfied by the
// publicized reference copies (build/MlNetPublicizer.targets); the runtime by this attribute. See docs/persistence.md.
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]

namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// Tells the runtime to skip access checks from this assembly to <see cref="AssemblyName"/>.
    /// Internal: every assembly that needs it declares its own copy.
    /// </summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute : Attribute
    {
        /// <summary>Creates the attribute for the assembly with the given simple name.</summary>
        public IgnoresAccessChecksToAttribute(string assemblyName) => AssemblyName = assemblyName;

        /// <summary>The simple name of the assembly whose internals this assembly may access.</summary>
        public string AssemblyName { get; }
    }
}
