using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Microsoft.ML.SynapticPruning.Tests.Layering;

/// <summary>
/// Reads, from an assembly file's metadata, which types every type definition refers to: base type, interfaces, generic
/// constraints, custom attributes, field/method/property/event signatures, and method bodies (locals, catch clauses and
/// every type, method, field and signature token in the IL). Nested and compiler-generated types (closures, iterators,
/// async state machines) are reported as their outermost declaring type, so a lambda's references count for the type
/// that wrote it.
/// </summary>
public static class TypeReferenceReader
{
    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    /// <summary>For every top-level type definition (full name → namespace), the types it refers to.</summary>
    public static IReadOnlyList<TypeReferences> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var collector = new Collector(reader);
        var byType = new Dictionary<TypeDefinitionHandle, HashSet<ReferencedType>>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var owner = Outermost(reader, handle);
            if (!byType.TryGetValue(owner, out var set)) byType[owner] = set = [];
            collector.Target = set;
            collector.AddType(handle, pe);
        }
        return byType
            .Select(kv => new TypeReferences(FullName(reader, kv.Key), reader.GetString(reader.GetTypeDefinition(kv.Key).Namespace),
                kv.Value.Where(r => r.FullName != FullName(reader, kv.Key) || r.Assembly is not null).ToArray()))
            .Where(t => t.FullName != "<Module>")
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToArray();
    }

    private static TypeDefinitionHandle Outermost(MetadataReader reader, TypeDefinitionHandle handle)
    {
        while (true)
        {
            var declaring = reader.GetTypeDefinition(handle).GetDeclaringType();
            if (declaring.IsNil) return handle;
            handle = declaring;
        }
    }

    private static string FullName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        string ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? reader.GetString(type.Name) : ns + "." + reader.GetString(type.Name);
    }

    /// <summary>Walks one type definition's metadata and adds every type it meets to <see cref="Target"/>.</summary>
    private sealed class Collector : ISignatureTypeProvider<object?, object?>
    {
        private readonly MetadataReader _reader;

        public Collector(MetadataReader reader) => _reader = reader;

        public HashSet<ReferencedType> Target { get; set; } = [];

        public void AddType(TypeDefinitionHandle handle, PEReader pe)
        {
            var type = _reader.GetTypeDefinition(handle);
            AddEntity(type.BaseType);
            foreach (var i in type.GetInterfaceImplementations()) AddEntity(_reader.GetInterfaceImplementation(i).Interface);
            AddGenericParameters(type.GetGenericParameters());
            AddAttributes(type.GetCustomAttributes());
            foreach (var f in type.GetFields())
            {
                var field = _reader.GetFieldDefinition(f);
                field.DecodeSignature(this, null);
                AddAttributes(field.GetCustomAttributes());
            }
            foreach (var m in type.GetMethods())
            {
                var method = _reader.GetMethodDefinition(m);
                method.DecodeSignature(this, null);
                AddGenericParameters(method.GetGenericParameters());
                AddAttributes(method.GetCustomAttributes());
                foreach (var p in method.GetParameters()) AddAttributes(_reader.GetParameter(p).GetCustomAttributes());
                if (method.RelativeVirtualAddress != 0) AddBody(pe.GetMethodBody(method.RelativeVirtualAddress));
            }
            foreach (var p in type.GetProperties())
            {
                var property = _reader.GetPropertyDefinition(p);
                property.DecodeSignature(this, null);
                AddAttributes(property.GetCustomAttributes());
            }
            foreach (var e in type.GetEvents())
            {
                var ev = _reader.GetEventDefinition(e);
                AddEntity(ev.Type);
                AddAttributes(ev.GetCustomAttributes());
            }
        }

        private void AddGenericParameters(GenericParameterHandleCollection parameters)
        {
            foreach (var g in parameters)
                foreach (var c in _reader.GetGenericParameter(g).GetConstraints())
                    AddEntity(_reader.GetGenericParameterConstraint(c).Type);
        }

        private void AddAttributes(CustomAttributeHandleCollection attributes)
        {
            foreach (var a in attributes) AddEntity(_reader.GetCustomAttribute(a).Constructor);
        }

        private void AddBody(MethodBodyBlock body)
        {
            if (!body.LocalSignature.IsNil)
                _reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null);
            foreach (var region in body.ExceptionRegions) AddEntity(region.CatchType);
            var il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                short code = il.ReadByte();
                if (code == 0xFE) code = unchecked((short)(0xFE00 | il.ReadByte()));
                switch (OperandTypes[code])
                {
                    case OperandType.InlineNone: break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
                    case OperandType.InlineVar: il.Offset += 2; break;
                    case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
                    case OperandType.InlineSwitch:
                        int targets = il.ReadInt32(); // read before Offset: `Offset += 4 * ReadInt32()` would read Offset first
                        il.Offset += 4 * targets;
                        break;
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineSig or OperandType.InlineTok or OperandType.InlineType:
                        AddEntity(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    default: il.Offset += 4; break; // InlineI, InlineBrTarget, InlineString, ShortInlineR
                }
            }
        }

        private void AddEntity(EntityHandle handle)
        {
            if (handle.IsNil) return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition: GetTypeFromDefinition(_reader, (TypeDefinitionHandle)handle, 0); break;
                case HandleKind.TypeReference: GetTypeFromReference(_reader, (TypeReferenceHandle)handle, 0); break;
                case HandleKind.TypeSpecification: _reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null); break;
                case HandleKind.MethodDefinition:
                    AddEntity(_reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.FieldDefinition:
                    AddEntity(_reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.MethodSpecification:
                    var spec = _reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    AddEntity(spec.Method);
                    spec.DecodeSignature(this, null);
                    break;
                case HandleKind.MemberReference:
                    var member = _reader.GetMemberReference((MemberReferenceHandle)handle);
                    AddEntity(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method) member.DecodeMethodSignature(this, null);
                    else member.DecodeFieldSignature(this, null);
                    break;
                case HandleKind.StandaloneSignature:
                    var signature = _reader.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                    if (signature.GetKind() == StandaloneSignatureKind.Method) signature.DecodeMethodSignature(this, null);
                    else signature.DecodeLocalSignature(this, null);
                    break;
            }
        }

        public object? GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            var owner = Outermost(reader, handle);
            Target.Add(new ReferencedType(FullName(reader, owner), reader.GetString(reader.GetTypeDefinition(owner).Namespace), null));
            return null;
        }

        public object? GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var type = reader.GetTypeReference(handle);
            while (type.ResolutionScope.Kind == HandleKind.TypeReference) type = reader.GetTypeReference((TypeReferenceHandle)type.ResolutionScope);
            string ns = reader.GetString(type.Namespace);
            string name = ns.Length == 0 ? reader.GetString(type.Name) : ns + "." + reader.GetString(type.Name);
            string? assembly = type.ResolutionScope.Kind == HandleKind.AssemblyReference
                ? reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope).Name)
                : null;
            Target.Add(new ReferencedType(name, ns, assembly));
            return null;
        }

        public object? GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
            => reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public object? GetPrimitiveType(PrimitiveTypeCode typeCode) => null;
        public object? GetSZArrayType(object? elementType) => null;
        public object? GetArrayType(object? elementType, ArrayShape shape) => null;
        public object? GetByReferenceType(object? elementType) => null;
        public object? GetPointerType(object? elementType) => null;
        public object? GetPinnedType(object? elementType) => null;
        public object? GetGenericInstantiation(object? genericType, ImmutableArray<object?> typeArguments) => null;
        public object? GetGenericTypeParameter(object? genericContext, int index) => null;
        public object? GetGenericMethodParameter(object? genericContext, int index) => null;
        public object? GetFunctionPointerType(MethodSignature<object?> signature) => null;
        public object? GetModifiedType(object? modifier, object? unmodifiedType, bool isRequired) => null;
    }
}
